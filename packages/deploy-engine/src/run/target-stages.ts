import type { StageName } from '@rp/contract/stages';
import { engineError, type FailureReason } from '../errors.js';
import type { Target } from '../types.js';
import { runStage, type RunContext, type Step } from './context.js';

/** Failure of one target: which stage, and why. */
export interface TargetFailure {
  stage: StageName;
  error: FailureReason;
}

export type StageBody = () => Promise<Step | 'skipped'>;

/**
 * Runs one target's stages in the order `stages` lists them (the contract's list, so the engine cannot drift from
 * what the API and the SPA show); `bodies` must have one for each. Stops at an abort or the first failure and
 * returns the failing stage, so the rollout can tell a failed health check from other failures.
 */
export async function runTargetStages<S extends StageName>(
  ctx: RunContext,
  target: Target,
  stages: readonly S[],
  bodies: Record<S, StageBody>,
): Promise<TargetFailure | undefined> {
  for (const stage of stages) {
    if (ctx.signal?.aborted) return { stage, error: engineError('aborted', 'run aborted', target.id) };
    const step = await runStage(ctx, stage, target, bodies[stage]);
    if (!step.ok) return { stage, error: step.error };
  }
  return undefined;
}
