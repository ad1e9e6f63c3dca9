import { cleanupCommand, layout, parseKeyValues, unlockAndReportCommand } from '../remote/commands.js';
import type { TargetResult } from '../result.js';
import type { Target } from '../types.js';
import { OK, type ReleaseContext, type RunContext, type Step } from '../run/context.js';
import { currentToId } from '../run/current.js';
import { remote } from '../run/remote.js';

/** Keeps the newest releases (never this one or the previous), frees the host lock and reports `current`. */
export async function cleanup(ctx: ReleaseContext, target: Target, result: TargetResult): Promise<Step> {
  const { plan } = ctx;
  const protect = [plan.releaseId, result.previous].filter((x): x is string => Boolean(x));
  const keep = Math.max(plan.keepReleases ?? 5, 1);
  const echo = `rm -rf old releases in ${layout(target.deployPath).releases} (keeping the newest ${keep} and ${protect.join(', ')})`;
  const out = await remote(ctx, target, 'cleanup', cleanupCommand(target.deployPath, { keep, protect, releaseId: plan.releaseId }).text, { echo });
  if (!out.ok) return out;
  result.current = currentToId(parseKeyValues(out.out.stdout).get('current') ?? '');
  return OK;
}

/** A rollback removed nothing, so its cleanup only frees the host lock and reports `current`, in one round trip. */
export async function unlockAndReport(ctx: RunContext, target: Target): Promise<Step> {
  const out = await remote(ctx, target, 'cleanup', unlockAndReportCommand(target.deployPath, ctx.plan.releaseId).text, { uninterruptible: true, quiet: true, timeoutMs: 15_000 });
  if (!out.ok) return out;
  const result = ctx.results.get(target.id);
  if (result) result.current = currentToId(parseKeyValues(out.out.stdout).get('current') ?? '');
  return OK;
}
