import { ROLLBACK_TARGET_STAGES } from '@rp/contract/stages';
import { engineError } from './errors.js';
import { validateRollbackPlan } from './plan-validation.js';
import type { RunContext } from './run/context.js';
import type { Prepared } from './run/prepared.js';
import { rolloutPolicy, runRollout } from './run/rollout.js';
import { startRun, type RunHandle, type RunOptions } from './run/start.js';
import { runTargetStages, type TargetFailure } from './run/target-stages.js';
import { Traffic } from './run/traffic.js';
import { unlockAndReport } from './stages/cleanup.js';
import { healthcheck } from './stages/healthcheck.js';
import { prepare } from './stages/prepare.js';
import { switchBack, switchToKept } from './stages/switch.js';
import type { RollbackPlan, Target } from './types.js';

/**
 * Switches every target to a release it still keeps, restarts and health-checks it. No checkout, build or upload:
 * the release directory already on the host is the artifact.
 */
export function startRollback(plan: RollbackPlan, options: RunOptions): RunHandle {
  const problems = validateRollbackPlan(plan);
  return startRun('rollback', plan, options, problems, async (ctx, gate, prepared) => {
    const pre = await prepare(ctx, prepared);
    if (!pre.ok) return { error: pre.error };
    // Each target's result names the release it should end up on.
    for (const [id, r] of ctx.results) r.releaseId = keptOn(plan, id);
    const traffic = new Traffic(ctx, (target) => keptOn(plan, target.id));
    const end = await runRollout(ctx, {
      ...rolloutPolicy(plan, prepared, gate),
      deploy: (target) => rollbackTarget(ctx, plan, target, prepared, traffic),
      rollback: (target) => switchBack(ctx, target, keptOn(plan, target.id), `nothing to return to on ${target.id}`),
      traffic,
    });
    return end === 'aborted' ? { error: engineError('aborted', 'run aborted') } : {};
  });
}

/** The directory under `releases/` the target goes back to. */
const keptOn = (plan: RollbackPlan, targetId: string) => plan.keptAs?.[targetId] ?? plan.toReleaseId;

/** The per-target half of a rollback, in the contract's stage order. */
function rollbackTarget(ctx: RunContext, plan: RollbackPlan, target: Target, prepared: Prepared, traffic: Traffic): Promise<TargetFailure | undefined> {
  return runTargetStages(ctx, target, ROLLBACK_TARGET_STAGES, {
    offline: () => traffic.offline(target),
    switch: () => switchToKept(ctx, target, keptOn(plan, target.id), prepared.targets.get(target.id)?.current ?? null),
    healthcheck: () => healthcheck(ctx, target, keptOn(plan, target.id), plan.healthcheck),
    online: () => traffic.online(target),
    cleanup: () => unlockAndReport(ctx, target),
  });
}
