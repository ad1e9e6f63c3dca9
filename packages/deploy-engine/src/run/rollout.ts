import { splitIntoBatches, type Batch } from '../batches.js';
import { sleep } from '../sleep.js';
import type { BetweenBatches, PlanCommon, Target } from '../types.js';
import { runStage, type RunContext, type Step } from './context.js';
import type { PauseGate } from './pause-gate.js';
import type { Prepared } from './prepared.js';
import type { TargetFailure } from './target-stages.js';

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
}

export type RolloutEnd = 'completed' | 'stopped' | 'aborted';

/**
 * What the plan asks of the rollout, over the targets pre-flight locked; release and rollback add only what they
 * run per target and how a target is switched back.
 */
export function rolloutPolicy(plan: PlanCommon, prepared: Prepared, gate: PauseGate): Omit<RolloutOptions, 'deploy' | 'rollback'> {
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
        if (abortedNow) continue;
        failures++;
        failedHere.push(target.id);
        if (failure.stage === 'healthcheck') healthFailed = true;
        ctx.events.emit({ type: 'target.failed', target: target.id, stage: failure.stage, error: failure.error });
      }
    };
    await Promise.all(Array.from({ length: batch.concurrency }, worker));

    if (healthFailed && o.autoRollback) await rollbackBatch(ctx, o, index, batch.targets);
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
      const step = await runStage(ctx, 'rollback', target, () => o.rollback(target)).finally(() => ctx.active.delete(target.id));
      const result = ctx.results.get(target.id);
      if (!result) return;
      if (step.ok) result.state = 'rolled_back';
      else {
        failed.push(target.id);
        result.state = 'failed';
        result.error ??= step.error;
        ctx.events.emit({ type: 'target.failed', target: target.id, stage: 'rollback', error: step.error });
      }
    }),
  );
  ctx.events.emit({ type: 'rollback.finished', batch: index, targets: switched.map((t) => t.id), failed });
}
