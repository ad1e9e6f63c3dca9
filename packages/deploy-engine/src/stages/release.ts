import { engineError } from '../errors.js';
import { layout, NOT_RECEIVED, releaseCommand } from '../remote/commands.js';
import type { TargetResult } from '../result.js';
import type { Artifact, Target } from '../types.js';
import type { ReleaseContext, Step } from '../run/context.js';
import type { TargetPrep } from '../run/prepared.js';
import { remote } from '../run/remote.js';
import { historyEntry, restart, sawSwitch, switchSummary } from './switch.js';

/** Makes the received tree the release, links shared paths and switches in one command, then restarts. */
export async function release(ctx: ReleaseContext, target: Target, artifact: Artifact, prep: TargetPrep, result: TargetResult): Promise<Step> {
  const { plan } = ctx;
  // Re-deploying the release that is already current must not make it its own "previous".
  const previous = prep.current === plan.releaseId ? null : prep.current;
  const unpack = { releaseId: plan.releaseId, sha256: artifact.sha256, sharedDirs: plan.sharedDirs ?? [], sharedFiles: plan.sharedFiles ?? [] };
  // Nothing after this point listens to the abort signal: the switch and the restart belong together.
  if (ctx.signal?.aborted) return { ok: false, error: engineError('aborted', 'run aborted before the switch', target.id) };
  const l = layout(target.deployPath);
  const shared = [...unpack.sharedDirs, ...unpack.sharedFiles];
  const echo = `mv -T ${l.release(plan.releaseId)}.staged ${l.release(plan.releaseId)} && ${switchSummary(target, plan.releaseId)}${shared.length ? ` (shared: ${shared.join(', ')})` : ''}`;
  const out = await remote(ctx, target, 'release', releaseCommand(target.deployPath, unpack, historyEntry(ctx, previous, plan.releaseId, 'release')).text, {
    uninterruptible: true,
    echo,
  });
  if (out.out && sawSwitch(out.out.stdout)) {
    result.switched = true;
    result.previous = previous;
  }
  if (!out.ok) {
    if (out.error.kind === 'exec' && out.error.exitCode === NOT_RECEIVED) return { ok: false, error: engineError('checksum-mismatch', out.error.stderrTail.trim(), target.id) };
    return out;
  }
  return restart(ctx, target, 'release', plan.releaseId, previous);
}
