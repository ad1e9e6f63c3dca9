import { engineError, type FailureReason } from '../errors.js';
import { EventSink, type EngineEvent } from '../events.js';
import { parseKeyValues, prepareCommand } from '../remote/commands.js';
import type { ReleaseResult, TargetResult } from '../result.js';
import type { Transport } from '../transport/transport.js';
import type { Artifact, PlanCommon, Target } from '../types.js';
import { Semaphore } from '../semaphore.js';
import { remote, runStage, type RunContext, type Step } from './context.js';
import { readCurrent } from './deploy-target.js';
import { keepLocksFresh, lockOwner, releaseLock, settleLock } from './lock.js';
import { currentToId } from './current.js';
import { PauseGate } from './pause-gate.js';
import { ConnectionPool } from './pool.js';

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

/** What pre-flight learned about one target. */
export interface TargetPrep {
  /** Free bytes on the deploy filesystem, for the 2× artifact size check before upload. */
  freeBytes: number | undefined;
  /** Release id `current` pointed at before this run (the lock keeps it from changing under us). */
  current: string | null;
  /** Whether the artifact was already on the host; undefined when its checksum was not known yet. */
  artifactPresent: boolean | undefined;
}

export interface Prepared {
  targets: Map<string, TargetPrep>;
  locked: Set<string>;
  failed: number;
}

/** Pre-flight for every target before anything changes: reachable, layout present, disk measured, lock taken. */
export async function prepare(ctx: RunContext, prepared: Prepared, artifact: { size: number; sha256: string } | undefined): Promise<Step> {
  // Pre-flight is a barrier before any byte moves, so it reaches many hosts at once; 32 handshakes are cheap.
  const limit = new Semaphore(32);
  return runStage(ctx, 'prepare', undefined, async () => {
    await Promise.all(
      ctx.plan.targets.map((target) =>
        limit.run(async () => {
          const failure = await prepareTarget(ctx, prepared, target, artifact);
          if (!failure) return;
          prepared.failed++;
          const result = ctx.results.get(target.id);
          if (result) {
            result.state = 'failed';
            result.error = failure;
          }
          ctx.events.emit({ type: 'target.failed', target: target.id, stage: 'prepare', error: failure });
        }),
      ),
    );
    if (ctx.signal?.aborted) return { ok: false, error: engineError('aborted', 'run aborted during prepare') };
    const tolerate = ctx.plan.failurePolicy?.tolerate ?? 0;
    if (prepared.failed > tolerate) {
      return { ok: false, error: engineError('skipped', `pre-flight failed on ${prepared.failed} target(s), tolerance is ${tolerate}; nothing was changed`) };
    }
    return { ok: true };
  });
}

async function prepareTarget(ctx: RunContext, prepared: Prepared, target: Target, artifact: { size: number; sha256: string } | undefined): Promise<FailureReason | undefined> {
  const owner = JSON.stringify(lockOwner(ctx));
  const pre = await remote(ctx, target, 'prepare', prepareCommand(target.deployPath, owner, artifact?.sha256).text, { quiet: true, timeoutMs: 30_000 });
  if (!pre.ok) return pre.error;
  const values = parseKeyValues(pre.out.stdout);
  const freeBytes = Number(values.get('free')) * 1024;
  const present = values.get('artifact');
  prepared.targets.set(target.id, {
    freeBytes: Number.isFinite(freeBytes) ? freeBytes : undefined,
    current: currentToId(values.get('current') ?? ''),
    artifactPresent: present === undefined ? undefined : present === 'present',
  });
  const lock = await settleLock(ctx, target, values.get('lock'), owner);
  if (!lock.ok) return lock.error;
  prepared.locked.add(target.id);
  if (artifact && present !== 'present' && Number.isFinite(freeBytes) && freeBytes < 2 * artifact.size) {
    return engineError('disk-space', `${target.deployPath} has ${freeBytes} bytes free, needs ${2 * artifact.size} (2× artifact)`, target.id);
  }
  return undefined;
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
