import { engineError } from '../errors.js';
import { tarExtractArgs } from '../artifact-format.js';
import { layout, parseKeyValues, uploadCommand } from '../remote/commands.js';
import type { Target } from '../types.js';
import { OK, type RunContext, type Step } from '../run/context.js';
import type { TargetPrep } from '../run/prepared.js';
import { shellLine } from '../run/echo.js';
import { remote } from '../run/remote.js';
import type { Shipment } from '../run/shipment.js';

/**
 * Streams the artifact into the host, which unpacks it as it arrives (possibly while the platform still packs it),
 * then compares the checksum the host computed with the one packing recorded.
 */
export async function upload(ctx: RunContext, target: Target, shipment: Shipment, prep: TargetPrep): Promise<Step> {
  const needs = shipment.needsBytes;
  if (needs !== undefined && prep.freeBytes !== undefined && prep.freeBytes < needs) {
    return { ok: false, error: engineError('disk-space', `${target.deployPath} has ${prep.freeBytes} bytes free, the release needs ${needs}`, target.id) };
  }
  const staged = `${layout(target.deployPath).release(ctx.plan.releaseId)}.staged`;
  const echo = `${shellLine(['tar', ...tarExtractArgs(shipment.format), '-xf', '-', '-C', staged])} (the .${shipment.format} artifact on stdin, unpacked as it arrives)`;
  const sent = await remote(ctx, target, 'upload', uploadCommand(target.deployPath, shipment.format, ctx.plan.releaseId).text, { stdin: shipment.stdin, echo });
  if (!sent.ok) return sent;
  const artifact = await shipment.artifact;
  if (!artifact) return { ok: false, error: engineError('aborted', 'packing the artifact failed', target.id) };
  const received = parseKeyValues(sent.out.stdout).get('sha256');
  if (received !== artifact.sha256) {
    return { ok: false, error: engineError('checksum-mismatch', `artifact checksum mismatch on host: received ${received ?? 'nothing'}, expected ${artifact.sha256}`, target.id) };
  }
  return OK;
}
