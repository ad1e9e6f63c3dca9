import { existsSync, statSync } from 'node:fs';
import { TARGET_STAGES } from '@rp/contract/stages';
import { formatOf } from './artifact-format.js';
import { engineError } from './errors.js';
import { validateReleasePlan } from './plan-validation.js';
import { layout } from './remote/commands.js';
import type { ReleaseResult, TargetResult } from './result.js';
import { runStage, type ReleaseContext } from './run/context.js';
import type { TargetPrep } from './run/prepared.js';
import { shipmentOf, type Shipment } from './run/shipment.js';
import { rolloutPolicy, runRollout } from './run/rollout.js';
import { startRun, type RunBodyOutcome, type RunHandle, type RunOptions } from './run/start.js';
import { runTargetStages, type TargetFailure } from './run/target-stages.js';
import { Traffic } from './run/traffic.js';
import { findCachedArtifact, workspace } from './run/workspace.js';
import { build } from './stages/build.js';
import { buildOnAgent } from './stages/build-on-agent.js';
import { checkout } from './stages/checkout.js';
import { cleanup } from './stages/cleanup.js';
import { healthcheck } from './stages/healthcheck.js';
import { runLocalHook, runRemoteHook } from './stages/hooks.js';
import { startPackaging } from './stages/package.js';
import { prepare } from './stages/prepare.js';
import { release } from './stages/release.js';
import { switchBack } from './stages/switch.js';
import { upload } from './stages/upload.js';
import type { Artifact, ReleasePlan, Target } from './types.js';

export interface ReleaseOptions extends RunOptions {
  /**
   * Ship this already packed artifact instead of checking out and building (retries, imported builds). It is used
   * only if the file still exists and its sha256 matches; otherwise the global stages run as usual.
   */
  artifact?: Artifact;
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

function runRelease(kind: ReleaseResult['kind'], plan: ReleasePlan, options: ReleaseOptions): RunHandle {
  return startRun(kind, plan, options, validateReleasePlan(plan), async (run, gate, prepared) => {
    // The frame's context plus the platform-host paths, worked out once here for every stage of the run.
    const ctx: ReleaseContext = { ...run, plan, workspace: workspace(plan) };
    const found = reusableArtifact(options.artifact) ?? findCachedArtifact(plan, ctx.workspace);
    const early = found ? undefined : startBuilding(ctx);
    const pre = await prepare(ctx, prepared);
    if (!pre.ok) {
      early?.stop();
      const stopped = await early?.built;
      // An abort stops both; the build's error says which command it killed.
      if (ctx.signal?.aborted && stopped && !stopped.ok && stopped.outcome.error) return stopped.outcome;
      return { error: pre.error };
    }
    const zstdOnTargets = [...prepared.locked].every((id) => prepared.targets.get(id)?.zstd);
    const given = usableArtifact(found, zstdOnTargets);
    const built = given ? undefined : await (early ?? startBuilding(ctx)).built;
    if (built && !built.ok) return built.outcome;
    const produced = given ? await reuseArtifact(ctx, given) : await packageStage(ctx, zstdOnTargets);
    if (!produced.ok) return produced.outcome;
    // Packing that fails part-way stops the uploads reading it; its own error is the run's.
    const packingFailed = new AbortController();
    const rolloutCtx: ReleaseContext = { ...ctx, signal: ctx.signal ? AbortSignal.any([ctx.signal, packingFailed.signal]) : packingFailed.signal };
    const packed = produced.packed.then((out) => {
      if (!out.ok) packingFailed.abort();
      return out;
    });
    const { shipment } = produced;
    const traffic = new Traffic(rolloutCtx, () => plan.releaseId);
    const end = await runRollout(rolloutCtx, {
      ...rolloutPolicy(plan, prepared, gate),
      deploy: (target) => releaseTarget(rolloutCtx, target, shipment, prepared.targets.get(target.id) ?? { freeBytes: undefined, current: null, zstd: false }, traffic),
      rollback: (target) => switchBack(rolloutCtx, target, plan.releaseId, `no previous release on ${target.id} to roll back to`),
      traffic,
    });
    const out = await packed;
    produced.discard();
    if (!out.ok) return out.outcome;
    if (end === 'aborted') return { artifact: out.artifact, error: engineError('aborted', 'run aborted') };
    return { artifact: out.artifact };
  });
}

type PackOutcome = { ok: true; artifact: Artifact } | { ok: false; outcome: RunBodyOutcome };
type Produced = { ok: true; shipment: Shipment; packed: Promise<PackOutcome>; discard(): void } | { ok: false; outcome: RunBodyOutcome };

/** Stages 2–6 are skipped when a matching artifact already exists. */
async function reuseArtifact(ctx: ReleaseContext, given: Artifact): Promise<Produced> {
  for (const stage of ['hook:before-checkout', 'checkout', 'hook:after-checkout', 'build', 'package'] as const) {
    await runStage(ctx, stage, undefined, async () => 'skipped');
  }
  ctx.events.emit({ type: 'log', stage: 'package', stream: 'stdout', text: `reusing artifact ${given.sha256} (${given.size} bytes)` });
  return { ok: true, shipment: shipmentOf(given), packed: Promise.resolve({ ok: true, artifact: given }), discard: () => undefined };
}

/**
 * Checkout and build on the platform host, started while pre-flight talks to the targets: neither needs the other,
 * and a build of seconds or minutes hides the SSH round trips. `stop` ends it when pre-flight fails (nothing on
 * any target has changed by then); packaging waits for pre-flight, which says whether every target has zstd.
 */
function startBuilding(ctx: ReleaseContext): { built: Promise<{ ok: true } | { ok: false; outcome: RunBodyOutcome }>; stop(): void } {
  const stopper = new AbortController();
  const own: ReleaseContext = { ...ctx, signal: ctx.signal ? AbortSignal.any([ctx.signal, stopper.signal]) : stopper.signal };
  const steps = [
    ['hook:before-checkout', () => runLocalHook(own, 'before-checkout')],
    ['checkout', () => checkout(own)],
    ['hook:after-checkout', () => runLocalHook(own, 'after-checkout')],
    ['build', () => (own.plan.build?.agent ? buildOnAgent(own, own.plan.build.agent) : build(own))],
  ] as const;
  const built = (async () => {
    for (const [stage, body] of steps) {
      if (stopper.signal.aborted) return { ok: false as const, outcome: {} };
      const step = await runStage(own, stage, undefined, body);
      if (!step.ok) return { ok: false as const, outcome: { error: step.error } };
    }
    return { ok: true as const };
  })();
  return { built, stop: () => stopper.abort() };
}

/**
 * The package stage runs while the first batch already receives: it returns as soon as tar starts writing, with the
 * shipment the uploads send as it grows, and the stage itself ends when the artifact is whole.
 */
async function packageStage(ctx: ReleaseContext, zstdOnTargets: boolean): Promise<Produced> {
  let started: Awaited<ReturnType<typeof startPackaging>> | undefined;
  let onStarted: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (onStarted = resolve));
  const stage = runStage(ctx, 'package', undefined, async () => {
    started = await startPackaging(ctx, zstdOnTargets);
    onStarted();
    if (!started.ok) return started.error;
    const out = await started.packing.packed;
    if (!out.ok) return out.error;
    ctx.events.emit({ type: 'log', stage: 'package', stream: 'stdout', text: `artifact ${out.artifact.sha256} (${out.artifact.size} bytes)` });
    return { ok: true };
  });
  // The stage may end before packing starts (an abort at its start): then it alone says why.
  await Promise.race([ready, stage]);
  if (!started?.ok) {
    const step = await stage;
    return { ok: false, outcome: step.ok ? {} : { error: step.error } };
  }
  const { packing } = started;
  const packed = stage.then(async (step): Promise<PackOutcome> => {
    const out = await packing.packed;
    if (step.ok && out.ok) return { ok: true, artifact: out.artifact };
    return { ok: false, outcome: step.ok ? {} : { error: step.error } };
  });
  return { ok: true, shipment: packing.shipment, packed, discard: packing.discard };
}

/** The per-target half of a release, in the contract's stage order. */
function releaseTarget(ctx: ReleaseContext, target: Target, shipment: Shipment, prep: TargetPrep, traffic: Traffic): Promise<TargetFailure | undefined> {
  const { plan } = ctx;
  const result = ctx.results.get(target.id) as TargetResult;
  const l = layout(target.deployPath);
  return runTargetStages(ctx, target, TARGET_STAGES, {
    upload: () => upload(ctx, target, shipment, prep),
    'hook:before-release': () => runRemoteHook(ctx, target, 'before-release', l.root),
    offline: () => traffic.offline(target),
    release: async () => {
      const artifact = await shipment.artifact;
      if (!artifact) return { ok: false, error: engineError('aborted', 'packing the artifact failed', target.id) };
      return release(ctx, target, artifact, prep, result);
    },
    healthcheck: () => healthcheck(ctx, target, plan.releaseId, plan.healthcheck),
    online: () => traffic.online(target),
    'hook:after-release': () => runRemoteHook(ctx, target, 'after-release', l.release(plan.releaseId)),
    cleanup: () => cleanup(ctx, target, result),
  });
}

/** A zstd artifact cannot go to a target without zstd (one added since it was packed): it is packed again instead. */
function usableArtifact(found: Artifact | undefined, zstdOnTargets: boolean): Artifact | undefined {
  if (!found || formatOf(found) !== 'tar.zst' || zstdOnTargets) return found;
  return undefined;
}

/**
 * A given artifact is reused when its file is still there with the recorded size. Its content is not hashed again
 * here: every host verifies the sha256 while receiving it, so a corrupted file fails loudly at upload.
 */
function reusableArtifact(artifact: Artifact | undefined): Artifact | undefined {
  if (!artifact || !existsSync(artifact.path)) return undefined;
  return statSync(artifact.path).size === artifact.size ? artifact : undefined;
}
