import { engineError, type FailureReason } from '../errors.js';
import { EventSink, type EngineEvent } from '../events.js';
import type { ReleaseResult, TargetResult } from '../result.js';
import { Semaphore } from '../semaphore.js';
import type { Transport } from '../transport/transport.js';
import type { Artifact, PlanCommon } from '../types.js';
import type { RunContext } from './context.js';
import { readCurrent } from './current.js';
import { keepLocksFresh, releaseLock } from './lock.js';
import { PauseGate } from './pause-gate.js';
import { ConnectionPool } from './pool.js';
import type { Prepared } from './prepared.js';

export interface RunOptions {
  transport: Transport;
  signal?: AbortSignal;
  onEvent?: (event: EngineEvent) => void;
}

export interface RunHandle {
  done: Promise<ReleaseResult>;
  /** Releases a rollout waiting at a manual batch pause; does nothing when none is waiting. */
  continue(): void;
}

export interface RunBodyOutcome {
  artifact?: Artifact;
  error?: FailureReason;
}

/**
 * The frame every run shares: events, pooled connections, per-target results, host locks, and at the end a read
 * back of each target's `current` so the result states what is really live, even after an abort or a failure.
 */
export function startRun(
  kind: ReleaseResult['kind'],
  plan: PlanCommon,
  options: RunOptions,
  problems: string[],
  body: (ctx: RunContext, gate: PauseGate, prepared: Prepared) => Promise<RunBodyOutcome>,
): RunHandle {
  const gate = new PauseGate();
  const started = Date.now();
  const events = new EventSink(plan.releaseId, options.onEvent);
  const results = new Map<string, TargetResult>(
    plan.targets.map((t) => [t.id, { state: 'skipped', releaseId: plan.releaseId, current: null, previous: null, switched: false }]),
  );
  const ctx: RunContext = {
    plan,
    events,
    signal: options.signal,
    pool: new ConnectionPool(options.transport, events, options.signal),
    results,
    active: new Set(),
    commandTimeoutMs: plan.commandTimeoutMs ?? 10 * 60_000,
  };

  const run = async (): Promise<ReleaseResult> => {
    events.emit({ type: 'release.started', kind, targets: plan.targets.map((t) => t.id) });
    let outcome: RunBodyOutcome;
    const prepared: Prepared = { targets: new Map(), locked: new Set(), failed: 0 };
    if (problems.length) {
      outcome = { error: engineError('invalid-plan', problems.join('; ')) };
    } else {
      // Waiting and finished-but-failed targets keep their locks fresh; running ones are left alone so a refresh
      // cannot race their cleanup, and succeeded ones gave their lock back already.
      const stopRefresh = keepLocksFresh(ctx, () =>
        plan.targets.filter((t) => prepared.locked.has(t.id) && !ctx.active.has(t.id) && results.get(t.id)?.state !== 'succeeded'),
      );
      try {
        outcome = await body(ctx, gate, prepared);
      } catch (err) {
        // A bug in the engine (or a throwing filesystem call) must still end the run with a result and free locks.
        outcome = { error: engineError('internal', `engine error: ${err instanceof Error ? err.message : String(err)}`) };
      } finally {
        await stopRefresh();
        await finish(ctx, prepared);
      }
    }
    const states = [...results.values()];
    const status: ReleaseResult['status'] = options.signal?.aborted
      ? 'aborted'
      : !outcome.error && states.every((r) => r.state === 'succeeded')
        ? 'succeeded'
        : 'failed';
    const result: ReleaseResult = { releaseId: plan.releaseId, kind, status, targets: Object.fromEntries(results), durationMs: Date.now() - started };
    if (outcome.artifact) result.artifact = outcome.artifact;
    if (outcome.error) result.error = outcome.error;
    events.emit({ type: 'release.finished', result });
    return result;
  };

  return { done: run(), continue: () => gate.open() };
}

/** Releases our locks, reads back `current` on every reachable target, closes connections. Never aborted. */
async function finish(ctx: RunContext, prepared: Prepared): Promise<void> {
  const limit = new Semaphore(32);
  await Promise.all(
    ctx.plan.targets.map((target) =>
      limit.run(async () => {
        const result = ctx.results.get(target.id);
        // A succeeded target gave its lock back and reported `current` in its cleanup stage already.
        if (result?.state === 'succeeded') return;
        if (prepared.locked.has(target.id)) await releaseLock(ctx, target, 'cleanup');
        // Connect even after an abort: the result must say what each reachable target is running.
        const conn = await ctx.pool.get(target.server, { ignoreAbort: true });
        if (!conn.ok || !result) return;
        const current = await readCurrent(ctx, target, 'cleanup');
        if (current.ok) result.current = current.id;
      }),
    ),
  );
  await ctx.pool.closeAll();
}
