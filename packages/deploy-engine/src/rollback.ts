import { splitIntoBatches } from './batches.js';
import { engineError } from './errors.js';
import { releaseExistsCommand } from './remote/commands.js';
import { validateRollbackPlan } from './plan-validation.js';
import { remote, runStage, type RunContext, type Step } from './pipeline/context.js';
import { readCurrent, switchAndRestart, type TargetFailure } from './pipeline/deploy-target.js';
import { healthcheck } from './pipeline/healthcheck.js';
import { releaseLock } from './pipeline/lock.js';
import { runRollout } from './pipeline/rollout.js';
import { prepare, startRun, type RunHandle, type RunOptions } from './pipeline/run.js';
import type { RollbackPlan, Target } from './types.js';

async function rollbackTarget(ctx: RunContext, plan: RollbackPlan, target: Target): Promise<TargetFailure | undefined> {
  const result = ctx.results.get(target.id);
  const stages: ['switch' | 'healthcheck' | 'cleanup', () => Promise<Step | 'skipped'>][] = [
    [
      'switch',
      async () => {
        const exists = await remote(ctx, target, 'switch', releaseExistsCommand(target.deployPath, plan.toReleaseId).text, { quiet: true });
        if (!exists.ok) {
          if (exists.error.kind === 'exec' && exists.error.exitCode === 1) {
            return { ok: false, error: engineError('release-missing', `release ${plan.toReleaseId} is not kept on ${target.id}`, target.id) };
          }
          return exists;
        }
        const before = await readCurrent(ctx, target, 'switch');
        if (!before.ok) return before;
        if (result) result.previous = before.id;
        return switchAndRestart(ctx, target, 'switch', plan.toReleaseId, before.id, 'rollback');
      },
    ],
    ['healthcheck', () => healthcheck(ctx, target, plan.toReleaseId, plan.healthcheck)],
    [
      'cleanup',
      async () => {
        const unlocked = await releaseLock(ctx, target, 'cleanup');
        if (!unlocked.ok) return unlocked;
        const current = await readCurrent(ctx, target, 'cleanup');
        if (!current.ok) return current;
        if (result) result.current = current.id;
        return { ok: true };
      },
    ],
  ];
  for (const [stage, body] of stages) {
    if (ctx.signal?.aborted) return { stage, error: engineError('aborted', 'run aborted', target.id) };
    const step = await runStage(ctx, stage, target, body);
    if (!step.ok) return { stage, error: step.error };
  }
  return undefined;
}

/**
 * Switches every target to a release it still keeps, restarts and health-checks it. No checkout, build or upload:
 * the release directory already on the host is the artifact.
 */
export function startRollback(plan: RollbackPlan, options: RunOptions): RunHandle {
  const problems = validateRollbackPlan(plan);
  return startRun('rollback', plan, options, problems, async (ctx, gate, prepared) => {
    const pre = await prepare(ctx, prepared, undefined);
    if (!pre.ok) return { error: pre.error };
    // Each target's result names the release it should end up on.
    for (const r of ctx.results.values()) r.releaseId = plan.toReleaseId;
    const end = await runRollout(ctx, {
      batches: splitIntoBatches(plan.targets.filter((t) => prepared.locked.has(t.id)), plan.rollout),
      between: plan.rollout.kind === 'batches' ? plan.rollout.between : undefined,
      tolerate: plan.failurePolicy?.tolerate ?? 0,
      autoRollback: plan.failurePolicy?.autoRollback ?? true,
      failuresSoFar: prepared.failed,
      gate,
      deploy: (target) => rollbackTarget(ctx, plan, target),
      rollback: async (target) => {
        const previous = ctx.results.get(target.id)?.previous;
        if (!previous) return { ok: false, error: engineError('release-missing', `nothing to return to on ${target.id}`, target.id) };
        return switchAndRestart(ctx, target, 'rollback', previous, plan.toReleaseId, 'auto-rollback');
      },
    });
    return end === 'aborted' ? { error: engineError('aborted', 'run aborted') } : {};
  });
}
