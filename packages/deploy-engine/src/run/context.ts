import type { StageName } from '@rp/contract/stages';
import type { EventSink, StageStatus } from '../events.js';
import type { FailureReason } from '../errors.js';
import type { TargetResult } from '../result.js';
import type { PlanCommon, ReleasePlan, Target } from '../types.js';
import type { ConnectionPool } from './pool.js';
import type { Workspace } from './workspace.js';

export type Step = { ok: true } | { ok: false; error: FailureReason };
export const OK: Step = { ok: true };

/** Everything one run shares: the plan, the event sink, the abort signal, pooled connections and per-target results. */
export interface RunContext {
  plan: PlanCommon;
  events: EventSink;
  signal: AbortSignal | undefined;
  pool: ConnectionPool;
  results: Map<string, TargetResult>;
  /** Targets whose stages are running right now; their lock is theirs to manage until they finish. */
  active: Set<string>;
  commandTimeoutMs: number;
}

/** A release run also works on the platform host; its workspace paths are worked out once, when the run starts. */
export interface ReleaseContext extends RunContext {
  plan: ReleasePlan;
  workspace: Workspace;
}

/** Wraps a stage with started/finished events and its duration; the stage's own return decides the status. */
export async function runStage(
  ctx: RunContext,
  stage: StageName,
  target: Target | undefined,
  body: () => Promise<Step | 'skipped'>,
): Promise<Step> {
  const t = target ? { target: target.id } : {};
  ctx.events.emit({ type: 'stage.started', stage, ...t });
  const started = Date.now();
  const outcome = await body();
  let status: StageStatus;
  if (outcome === 'skipped') status = 'skipped';
  else if (outcome.ok) status = 'succeeded';
  else status = outcome.error.kind === 'engine' && outcome.error.code === 'aborted' ? 'aborted' : outcome.error.kind === 'exec' && outcome.error.reason === 'aborted' ? 'aborted' : 'failed';
  ctx.events.emit({ type: 'stage.finished', stage, ...t, status, durationMs: Date.now() - started });
  return outcome === 'skipped' ? OK : outcome;
}
