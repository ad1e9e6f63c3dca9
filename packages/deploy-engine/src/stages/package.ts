import { createHash } from 'node:crypto';
import { createReadStream, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { Artifact } from '../types.js';
import type { ReleaseContext, Step } from '../run/context.js';
import { local } from '../run/local-step.js';
import { artifactPathsOf, cachedArtifactPath } from '../run/workspace.js';
import { artifactPathOutside } from '../sandbox/artifact-paths.js';
import { engineError } from '../errors.js';

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

/** Packs the artifact paths into the cache under commit + build-config hash and records its sha256 and size. */
export async function packageArtifact(ctx: ReleaseContext): Promise<{ ok: true; artifact: Artifact } | { ok: false; error: Step & { ok: false } }> {
  const { plan, workspace: ws } = ctx;
  mkdirSync(ws.artifacts, { recursive: true });
  const final = cachedArtifactPath(plan, ws);
  const tmp = `${final}.${process.pid}.tmp`;
  const paths = artifactPathsOf(plan);
  const outside = artifactPathOutside(ws.checkout, paths);
  if (outside !== undefined) return { ok: false, error: { ok: false, error: engineError('invalid-plan', `artifact path ${outside} leads outside the checkout`) } };
  const tar = await local('tar', ['-czf', tmp, '-C', ws.checkout, '--', ...paths], { events: ctx.events, signal: ctx.signal, stage: 'package' });
  if (!tar.ok) {
    rmSync(tmp, { force: true });
    return { ok: false, error: tar };
  }
  const sha256 = await sha256File(tmp);
  const size = statSync(tmp).size;
  renameSync(tmp, final);
  writeFileSync(`${final}.json`, JSON.stringify({ sha256, size, commit: plan.source.commit }));
  rmSync(ws.checkout, { recursive: true, force: true });
  return { ok: true, artifact: { path: final, sha256, size, commit: plan.source.commit } };
}
