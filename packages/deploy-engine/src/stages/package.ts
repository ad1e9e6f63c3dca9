import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { formatFor, tarCreateArgs } from '../artifact-format.js';
import type { Artifact } from '../types.js';
import type { ReleaseContext, Step } from '../run/context.js';
import { local } from '../run/local-step.js';
import { artifactPathsOf, cachedArtifactBase } from '../run/workspace.js';
import { artifactPathOutside } from '../sandbox/artifact-paths.js';
import { engineError } from '../errors.js';

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

let zstdHere: boolean | undefined;
const platformHasZstd = () => (zstdHere ??= spawnSync('zstd', ['-V'], { stdio: 'ignore' }).status === 0);

/**
 * Packs the artifact paths into the cache under commit + build-config hash and records its sha256, size and format.
 * zstd is used only when the project asks for it and the platform host and every target (`zstdOnTargets`) have it.
 */
export async function packageArtifact(ctx: ReleaseContext, zstdOnTargets: boolean): Promise<{ ok: true; artifact: Artifact } | { ok: false; error: Step & { ok: false } }> {
  const { plan, workspace: ws } = ctx;
  mkdirSync(ws.artifacts, { recursive: true });
  const compression = plan.build?.compression;
  const format = formatFor(compression, compression === 'zstd' && zstdOnTargets && platformHasZstd());
  if (compression === 'zstd' && format !== 'tar.zst') {
    ctx.events.emit({ type: 'log', stage: 'package', stream: 'stderr', text: 'zstd is not installed on the platform host and every target; packing with gzip -1 instead' });
  }
  const base = cachedArtifactBase(plan, ws);
  const final = `${base}.${format}`;
  const tmp = `${final}.${process.pid}.tmp`;
  const paths = artifactPathsOf(plan);
  const outside = artifactPathOutside(ws.checkout, paths);
  if (outside !== undefined) return { ok: false, error: { ok: false, error: engineError('invalid-plan', `artifact path ${outside} leads outside the checkout`) } };
  const tar = await local('tar', ['-cf', tmp, ...tarCreateArgs(format), '-C', ws.checkout, '--', ...paths], { events: ctx.events, signal: ctx.signal, stage: 'package' });
  if (!tar.ok) {
    rmSync(tmp, { force: true });
    return { ok: false, error: tar };
  }
  const sha256 = await sha256File(tmp);
  const size = statSync(tmp).size;
  renameSync(tmp, final);
  writeFileSync(`${base}.json`, JSON.stringify({ sha256, size, format, commit: plan.source.commit }));
  rmSync(ws.checkout, { recursive: true, force: true });
  return { ok: true, artifact: { path: final, sha256, size, commit: plan.source.commit, format } };
}
