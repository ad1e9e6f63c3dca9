import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ArtifactFormat } from '../artifact-format.js';
import type { Artifact, ReleasePlan } from '../types.js';

export interface Workspace {
  root: string;
  mirror: string;
  checkout: string;
  hooks: string;
  artifacts: string;
  /** The build's HOME: npm, maven, go and pip caches persist here between the project's builds. */
  cache: string;
}

/** The per-project workspace on the platform host: mirror, checkouts, hook files, the artifact and dependency caches. */
export function workspace(plan: ReleasePlan): Workspace {
  const root = join(plan.workDir, plan.project);
  return {
    root,
    mirror: join(root, 'mirror.git'),
    checkout: join(root, 'checkouts', plan.releaseId),
    hooks: join(root, 'hooks', plan.releaseId),
    artifacts: join(root, 'artifacts'),
    cache: join(root, 'cache'),
  };
}

/** The checkout paths that make up the artifact: the whole tree unless the project names some. */
export const artifactPathsOf = (plan: ReleasePlan): string[] => (plan.build?.artifactPaths?.length ? plan.build.artifactPaths : ['.']);

/** What a build command is given besides the project's declared variables. */
export const buildEnvOf = (plan: ReleasePlan): Record<string, string> => ({ ...plan.build?.env, RELEASE_ID: plan.releaseId, COMMIT: plan.source.commit });

/** Everything that changes the built output besides the commit; a different hash means a different artifact. */
export function buildConfigHash(plan: ReleasePlan): string {
  const relevant = {
    build: plan.build ?? {},
    beforeCheckout: plan.hooks?.['before-checkout'] ?? null,
    afterCheckout: plan.hooks?.['after-checkout'] ?? null,
  };
  return createHash('sha256').update(JSON.stringify(relevant)).digest('hex');
}

/** A cache entry is `<base>.<format>` plus `<base>.json` (checksum, size, format), written last when complete. */
export function cachedArtifactBase(plan: ReleasePlan, ws: Workspace): string {
  return join(ws.artifacts, `${plan.source.commit}-${buildConfigHash(plan).slice(0, 16)}`);
}

/**
 * Where a run's tar writes the artifact (absolute: tar opens it before `-C`), and the cache entry's name it is
 * published under once whole.
 */
export function packingNames(plan: ReleasePlan, ws: Workspace, format: ArtifactFormat): { own: string; final: string } {
  const final = resolve(`${cachedArtifactBase(plan, ws)}.${format}`);
  return { own: `${final}.${plan.releaseId}.tmp`, final };
}

/** Reads the cache entry's recorded checksum; an entry without its `.json` was never completed. */
export function findCachedArtifact(plan: ReleasePlan, ws: Workspace): Artifact | undefined {
  const base = cachedArtifactBase(plan, ws);
  if (!existsSync(`${base}.json`)) return undefined;
  const meta = JSON.parse(readFileSync(`${base}.json`, 'utf8')) as { sha256: string; size: number; format?: ArtifactFormat; treeBytes?: number };
  const format = meta.format ?? 'tar.gz';
  const path = `${base}.${format}`;
  if (!existsSync(path)) return undefined;
  const artifact: Artifact = { path, sha256: meta.sha256, size: meta.size, commit: plan.source.commit, format };
  if (typeof meta.treeBytes === 'number') artifact.treeBytes = meta.treeBytes;
  return artifact;
}
