import { formatOf } from '../artifact-format.js';
import { engineError } from '../errors.js';
import { hasArtifactCommand, uploadCommand } from '../remote/commands.js';
import type { Artifact, Target } from '../types.js';
import { OK, type RunContext, type Step } from '../run/context.js';
import type { TargetPrep } from '../run/prepared.js';
import { remote } from '../run/remote.js';

/** Streams the artifact into `.releases-incoming/` (the host checks its sha256), unless the host has it already. */
export async function upload(ctx: RunContext, target: Target, artifact: Artifact, prep: TargetPrep): Promise<Step | 'skipped'> {
  let present = prep.artifactPresent;
  if (present === undefined) {
    const check = await remote(ctx, target, 'upload', hasArtifactCommand(target.deployPath, { sha256: artifact.sha256, format: formatOf(artifact) }).text, { quiet: true });
    if (!check.ok) return check;
    present = check.out.stdout.trim() === 'present';
  }
  if (present) {
    ctx.events.emit({ type: 'log', stage: 'upload', target: target.id, stream: 'stdout', text: `artifact ${artifact.sha256} already on host; not uploading` });
    return 'skipped';
  }
  if (prep.freeBytes !== undefined && prep.freeBytes < 2 * artifact.size) {
    return { ok: false, error: engineError('disk-space', `${target.deployPath} has ${prep.freeBytes} bytes free, needs ${2 * artifact.size} (2× artifact)`, target.id) };
  }
  const sent = await remote(ctx, target, 'upload', uploadCommand(target.deployPath, { sha256: artifact.sha256, format: formatOf(artifact) }, ctx.plan.releaseId).text, { stdin: { file: artifact.path } });
  if (sent.ok) return OK;
  if (sent.error.kind === 'exec' && sent.error.exitCode === 65) {
    return { ok: false, error: engineError('checksum-mismatch', `artifact checksum mismatch on host: ${sent.error.stderrTail.trim()}`, target.id) };
  }
  return sent;
}
