import { splitIntoBatches, type Batch } from '../batches.js';
import { sleep } from '../sleep.js';
import type { BetweenBatches, PlanCommon, Target } from '../types.js';
import { runStage, type RunContext, type Step } from './context.js';
import type { PauseGate } from './pause-gate.js';
import type { Prepared } from './prepared.js';
import type { TargetFailure } from './target-stages.js';
import type { Traffic } from './traffic.js';

export interface RolloutOptions {
  batches: Batch<Target>[];
  between: BetweenBatches | undefined;
  tolerate: number;
  autoRollback: boolean;
  /** Failures that happened before the rollout (prepare) and count against the tolerance. */
  failuresSoFar: number;
  gate: PauseGate;
  deploy(target: Target): Promise<TargetFailure | undefined>;
  /** Switches one target back to the release it had before this run. */
  rollback(target: Target): Promise<Step>;
  /** Which targets `deploy` took out of the load balancer; the rollout puts back those its stages left out. */
  traffic: Traffic;
}

export type RolloutEnd = 'completed' | 'stopped' | 'aborted';

/**
 * What the plan asks of the rollout, over the targets pre-flight locked; release and rollback add only what they
 * run per target and how a target is switched back.
 */
export function rolloutPolicy(plan: PlanCommon, prepared: Prepared, gate: PauseGate): Omit<RolloutOptions, 'deploy' | 'rollback' | 'traffic'> {
  return {
    batches: splitIntoBatches(plan.targets.filter((t) => prepared.locked.has(t.id)), plan.rollout),
    between: plan.rollout.kind === 'batches' ? plan.rollout.between : undefined,
    tolerate: plan.failurePolicy?.tolerate ?? 0,
    autoRollback: plan.failurePolicy?.autoRollback ?? true,
    failuresSoFar: prepared.failed,
    gate,
  };
}

/**
 * Runs batches in order with a concurrency cap inside each. A failure beyond the tolerance stops new targets from
 * starting (running ones finish); a failed health check rolls the batch's switched targets back and stops the run.
 */
export async function runRollout(ctx: RunContext, o: RolloutOptions): Promise<RolloutEnd> {
  let failures = o.failuresSoFar;
  const count = o.batches.length;
  for (const [index, batch] of o.batches.entries()) {
    if (index > 0 && o.between) {
      if (o.between.mode === 'manual') {
        ctx.events.emit({ type: 'batch.paused', index, count, nextTargets: batch.targets.map((t) => t.id) });
        await o.gate.wait(ctx.signal);
      } else {
        await sleep(o.between.delaySeconds * 1000, ctx.signal);
      }
    }
    if (ctx.signal?.aborted) return 'aborted';
    ctx.events.emit({ type: 'batch.started', index, count, targets: batch.targets.map((t) => t.id) });

    const failedHere: string[] = [];
    let healthFailed = false;
    const queue = [...batch.targets];
    const worker = async () => {
      for (let target = queue.shift(); target; target = queue.shift()) {
        if (ctx.signal?.aborted || failures > o.tolerate) return;
        const result = ctx.results.get(target.id);
        if (!result) continue;
        ctx.active.add(target.id);
        const failure = await o.deploy(target).finally(() => ctx.active.delete(target.id));
        if (!failure) {
          result.state = 'succeeded';
          continue;
        }
        const abortedNow = failure.error.kind === 'engine' ? failure.error.code === 'aborted' : failure.error.reason === 'aborted';
        result.state = abortedNow ? 'aborted' : 'failed';
        result.error = failure.error;
        if (!abortedNow) {
          failures++;
          failedHere.push(target.id);
          if (failure.stage === 'healthcheck') healthFailed = true;
          ctx.events.emit({ type: 'target.failed', target: target.id, stage: failure.stage, error: failure.error });
        }
        // A target whose batch will be switched back stays out of rotation until then: it runs the broken release.
        const awaitsRollback = !abortedNow && failure.stage === 'healthcheck' && o.autoRollback;
        if (!awaitsRollback && (await putBack(ctx, o, target, failedHere))) failures++;
      }
    };
    await Promise.all(Array.from({ length: batch.concurrency }, worker));

    if (healthFailed && o.autoRollback) await rollbackBatch(ctx, o, index, batch.targets);
    const newlyFailed = await Promise.all(batch.targets.map((target) => putBack(ctx, o, target, failedHere)));
    failures += newlyFailed.filter(Boolean).length;
    ctx.events.emit({ type: 'batch.finished', index, count, failed: failedHere });
    if (ctx.signal?.aborted) return 'aborted';
    if (healthFailed || failures > o.tolerate) return 'stopped';
  }
  return 'completed';
}

async function rollbackBatch(ctx: RunContext, o: RolloutOptions, index: number, targets: Target[]): Promise<void> {
  const switched = targets.filter((t) => ctx.results.get(t.id)?.switched);
  if (switched.length === 0) return;
  ctx.events.emit({ type: 'rollback.started', batch: index, targets: switched.map((t) => t.id) });
  const failed: string[] = [];
  await Promise.all(
    switched.map(async (target) => {
      ctx.active.add(target.id);
      const failure = await switchBackOutOfRotation(ctx, o, target).finally(() => ctx.active.delete(target.id));
      const result = ctx.results.get(target.id);
      if (!result) return;
      if (!failure) result.state = 'rolled_back';
      else {
        failed.push(target.id);
        result.state = 'failed';
        result.error ??= failure.error;
        ctx.events.emit({ type: 'target.failed', target: target.id, stage: failure.stage, error: failure.error });
      }
    }),
  );
  ctx.events.emit({ type: 'rollback.finished', batch: index, targets: switched.map((t) => t.id), failed });
}

/**
 * A target of the batch that passed its health check is back in rotation already: it is taken out again before its
 * switch back (and put back after, with the rest of the batch). A failed `offline` leaves it on the release it runs.
 */
async function switchBackOutOfRotation(ctx: RunContext, o: RolloutOptions, target: Target): Promise<TargetFailure | undefined> {
  if (o.traffic.enabled && !o.traffic.isOut(target)) {
    const out = await runStage(ctx, 'offline', target, () => o.traffic.offline(target, { mustFinish: true }));
    if (!out.ok) return { stage: 'offline', error: out.error };
  }
  const step = await runStage(ctx, 'rollback', target, () => o.rollback(target));
  return step.ok ? undefined : { stage: 'rollback', error: step.error };
}

/**
 * Puts a target its stages left out of rotation back in. A failed `online` fails the target; returns true when that
 * is a new failure (the target had not failed already), which counts against the tolerance.
 */
async function putBack(ctx: RunContext, o: RolloutOptions, target: Target, failedHere: string[]): Promise<boolean> {
  const failure = await o.traffic.putBack(target);
  const result = ctx.results.get(target.id);
  if (!failure || !result) return false;
  ctx.events.emit({ type: 'target.failed', target: target.id, stage: 'online', error: failure.error });
  if (result.state === 'failed') return false;
  result.state = 'failed';
  result.error = failure.error;
  failedHere.push(target.id);
  return true;
}
