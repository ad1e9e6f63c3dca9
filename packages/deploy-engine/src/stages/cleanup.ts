import { formatOf } from '../artifact-format.js';
import { cleanupCommand, parseKeyValues } from '../remote/commands.js';
import type { TargetResult } from '../result.js';
import type { Artifact, Target } from '../types.js';
import { OK, type ReleaseContext, type RunContext, type Step } from '../run/context.js';
import { currentToId, readCurrent } from '../run/current.js';
import { releaseLock } from '../run/lock.js';
import { remote } from '../run/remote.js';

/** Keeps the newest releases (never this one or the previous), frees the host lock and reports `current`. */
export async function cleanup(ctx: ReleaseContext, target: Target, artifact: Artifact, result: TargetResult): Promise<Step> {
  const { plan } = ctx;
  const protect = [plan.releaseId, result.previous].filter((x): x is string => Boolean(x));
  const out = await remote(
    ctx,
    target,
    'cleanup',
    cleanupCommand(target.deployPath, { keep: Math.max(plan.keepReleases ?? 5, 1), protect, keepArtifact: { sha256: artifact.sha256, format: formatOf(artifact) }, releaseId: plan.releaseId }).text,
  );
  if (!out.ok) return out;
  result.current = currentToId(parseKeyValues(out.out.stdout).get('current') ?? '');
  return OK;
}

/** A rollback removed nothing, so its cleanup only frees the host lock and reports `current`. */
export async function unlockAndReport(ctx: RunContext, target: Target): Promise<Step> {
  const unlocked = await releaseLock(ctx, target, 'cleanup');
  if (!unlocked.ok) return unlocked;
  const current = await readCurrent(ctx, target, 'cleanup');
  if (!current.ok) return current;
  const result = ctx.results.get(target.id);
  if (result) result.current = current.id;
  return { ok: true };
}
