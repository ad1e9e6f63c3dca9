import { existsSync, statSync } from 'node:fs';
import { splitIntoBatches } from './batches.js';
import { engineError } from './errors.js';
import { validateReleasePlan } from './plan-validation.js';
import { build, runLocalHook } from './pipeline/build.js';
import { checkout } from './pipeline/checkout.js';
import { packageArtifact } from './pipeline/package.js';
import { findCachedArtifact, workspace } from './pipeline/workspace.js';
import { runStage, type RunContext } from './pipeline/context.js';
import { deployTarget, switchAndRestart } from './pipeline/deploy-target.js';
import { runRollout } from './pipeline/rollout.js';
import { prepare, startRun, type RunBodyOutcome, type RunHandle, type RunOptions } from './pipeline/run.js';
import type { ReleaseResult } from './result.js';
import type { Artifact, ReleasePlan } from './types.js';

export interface ReleaseOptions extends RunOptions {
  /**
   * Ship this already packed artifact instead of checking out and building (retries, imported builds). It is used
   * only if the file still exists and its sha256 matches; otherwise the global stages run as usual.
   */
  artifact?: Artifact;
}

/**
 * A given artifact is reused when its file is still there with the recorded size. Its content is not hashed again
 * here: every host verifies the sha256 while receiving it, so a corrupted file fails loudly at upload.
 */
function reusableArtifact(artifact: Artifact | undefined): Artifact | undefined {
  if (!artifact || !existsSync(artifact.path)) return undefined;
  return statSync(artifact.path).size === artifact.size ? artifact : undefined;
}

/** Stages 2–6 on the platform host, or none of them when a matching artifact already exists. */
async function produceArtifact(ctx: RunContext, plan: ReleasePlan, given: Artifact | undefined): Promise<{ ok: true; artifact: Artifact } | { ok: false; outcome: RunBodyOutcome }> {
  const ready = given;
  const o = { events: ctx.events, signal: ctx.signal };
  const ws = workspace(plan);
  if (ready) {
    for (const stage of ['hook:before-checkout', 'checkout', 'hook:after-checkout', 'build', 'package'] as const) {
      await runStage(ctx, stage, undefined, async () => 'skipped');
    }
    ctx.events.emit({ type: 'log', stage: 'package', stream: 'stdout', text: `reusing artifact ${ready.sha256} (${ready.size} bytes)` });
    return { ok: true, artifact: ready };
  }
  const steps = [
    ['hook:before-checkout', () => runLocalHook(plan, 'before-checkout', ws.root, o)],
    ['checkout', () => checkout(plan, o)],
    ['hook:after-checkout', () => runLocalHook(plan, 'after-checkout', ws.checkout, o)],
    ['build', () => build(plan, o)],
  ] as const;
  for (const [stage, body] of steps) {
    const step = await runStage(ctx, stage, undefined, body);
    if (!step.ok) return { ok: false, outcome: { error: step.error } };
  }
  let artifact: Artifact | undefined;
  const packed = await runStage(ctx, 'package', undefined, async () => {
    const out = await packageArtifact(plan, o);
    if (!out.ok) return out.error;
    artifact = out.artifact;
    ctx.events.emit({ type: 'log', stage: 'package', stream: 'stdout', text: `artifact ${out.artifact.sha256} (${out.artifact.size} bytes)` });
    return { ok: true };
  });
  if (!packed.ok || !artifact) return { ok: false, outcome: packed.ok ? {} : { error: packed.error } };
  return { ok: true, artifact };
}

function runRelease(kind: ReleaseResult['kind'], plan: ReleasePlan, options: ReleaseOptions): RunHandle {
  return startRun(kind, plan, options, validateReleasePlan(plan), async (ctx, gate, prepared) => {
    const given = reusableArtifact(options.artifact) ?? findCachedArtifact(plan);
    const pre = await prepare(ctx, prepared, given);
    if (!pre.ok) return { error: pre.error };
    const produced = await produceArtifact(ctx, plan, given);
    if (!produced.ok) return produced.outcome;
    const artifact = produced.artifact;
    const runnable = plan.targets.filter((t) => prepared.locked.has(t.id));
    const end = await runRollout(ctx, {
      batches: splitIntoBatches(runnable, plan.rollout),
      between: plan.rollout.kind === 'batches' ? plan.rollout.between : undefined,
      tolerate: plan.failurePolicy?.tolerate ?? 0,
      autoRollback: plan.failurePolicy?.autoRollback ?? true,
      failuresSoFar: prepared.failed,
      gate,
      deploy: (target) => deployTarget(ctx, plan, target, artifact, prepared.targets.get(target.id) ?? { freeBytes: undefined, current: null, artifactPresent: undefined }),
      rollback: async (target) => {
        const previous = ctx.results.get(target.id)?.previous;
        if (!previous) return { ok: false, error: engineError('release-missing', `no previous release on ${target.id} to roll back to`, target.id) };
        return switchAndRestart(ctx, target, 'rollback', previous, plan.releaseId, 'auto-rollback');
      },
    });
    if (end === 'aborted') return { artifact, error: engineError('aborted', 'run aborted') };
    return { artifact };
  });
}

/**
 * Ships `plan.source.commit` to every target: global stages on the platform host, then per target in batches.
 * Never throws; the result (also in the `release.finished` event) says what happened on each target.
 */
export function startRelease(plan: ReleasePlan, options: ReleaseOptions): RunHandle {
  return runRelease('release', plan, options);
}

/**
 * Runs a finished release again on the targets that did not succeed, shipping the same artifact (no rebuild when
 * its file is still on the platform host). Targets that succeeded are left alone.
 */
export function retryFailed(previous: ReleaseResult, plan: ReleasePlan, options: RunOptions): RunHandle {
  const targets = plan.targets.filter((t) => previous.targets[t.id]?.state !== 'succeeded');
  const retryOptions: ReleaseOptions = { ...options };
  if (previous.artifact) retryOptions.artifact = previous.artifact;
  return runRelease('retry', { ...plan, targets }, retryOptions);
}
