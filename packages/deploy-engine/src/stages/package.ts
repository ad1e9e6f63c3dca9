import { spawnSync } from 'node:child_process';
import { linkSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { formatFor, tarCreateArgs, type ArtifactFormat } from '../artifact-format.js';
import { engineError } from '../errors.js';
import { runLocal } from '../local.js';
import type { ReleaseContext, Step } from '../run/context.js';
import { shellLine } from '../run/echo.js';
import { local } from '../run/local-step.js';
import { followArtifact } from './artifact-follower.js';
import type { Shipment } from '../run/shipment.js';
import { artifactPathsOf, cachedArtifactBase, packingNames } from '../run/workspace.js';
import { artifactPathOutside } from '../sandbox/artifact-paths.js';
import { GrowingFile } from '../transport/growing-file.js';
import type { Artifact } from '../types.js';

let zstdHere: boolean | undefined;
const platformHasZstd = () => (zstdHere ??= spawnSync('zstd', ['-V'], { stdio: 'ignore' }).status === 0);

type Failed = { ok: false; error: Step & { ok: false } };
export type Packed = { ok: true; artifact: Artifact } | Failed;

export interface Packing {
  shipment: Shipment;
  packed: Promise<Packed>;
  /** Removes the run's own name for the file once nothing sends it any more (the cache keeps its final name). */
  discard(): void;
}

/**
 * Starts packing the artifact paths into the cache under commit + build-config hash, and returns at once with a
 * shipment that uploads can send while tar still writes. The file is written under a name of this run, hashed as it
 * is written, and published under its final name (with its `.json`, which marks the cache entry complete) only when
 * whole; uploads keep reading the run's name, which stays until `discard`. zstd is used only when the project asks
 * for it and the platform host and every target (`zstdOnTargets`) have it.
 */
export async function startPackaging(ctx: ReleaseContext, zstdOnTargets: boolean): Promise<{ ok: true; packing: Packing } | Failed> {
  const { plan, workspace: ws } = ctx;
  const paths = artifactPathsOf(plan);
  const outside = artifactPathOutside(ws.checkout, paths);
  if (outside !== undefined) return { ok: false, error: { ok: false, error: engineError('invalid-plan', `artifact path ${outside} leads outside the checkout`) } };
  mkdirSync(ws.artifacts, { recursive: true });
  const compression = plan.build?.compression;
  const format = formatFor(compression, compression === 'zstd' && zstdOnTargets && platformHasZstd());
  if (compression === 'zstd' && format !== 'tar.zst') {
    ctx.events.emit({ type: 'log', stage: 'package', stream: 'stderr', text: 'zstd is not installed on the platform host and every target; packing with gzip -1 instead' });
  }
  const base = cachedArtifactBase(plan, ws);
  const { own, final } = packingNames(plan, ws, format);
  const treeBytes = await diskUsage(ws.checkout, paths);
  // Created before the shipment exists, so an upload never opens a file that is not there yet.
  const file = await open(own, 'w+');
  const growing = new GrowingFile();
  let settle: (artifact: Artifact | undefined) => void = () => undefined;
  const artifact = new Promise<Artifact | undefined>((resolve) => (settle = resolve));
  const packed = pack(ctx, file, { own, final, base, format, paths, growing, treeBytes })
    // Uploads wait on `growing` until it ends, so no failure may leave it open.
    .catch((err: Error): Packed => {
      rmSync(own, { force: true });
      return { ok: false, error: { ok: false, error: engineError('internal', `packing the artifact failed: ${err.message}`) } };
    })
    .then((out) => {
      if (out.ok) growing.complete();
      else growing.fail();
      settle(out.ok ? out.artifact : undefined);
      return out;
    });
  return {
    ok: true,
    packing: {
      shipment: { format, needsBytes: treeBytes, stdin: { file: own, growing: growing.shared }, artifact },
      packed,
      discard: () => rmSync(own, { force: true }),
    },
  };
}

interface PackTarget {
  own: string;
  final: string;
  base: string;
  format: ArtifactFormat;
  paths: string[];
  growing: GrowingFile;
  treeBytes: number | undefined;
}

async function pack(ctx: ReleaseContext, file: FileHandle, t: PackTarget): Promise<Packed> {
  const { plan, workspace: ws } = ctx;
  const follower = followArtifact(file, t.growing);
  // --force-local: a colon in WORK_DIR must not make tar treat the file as `host:path` on a remote tape.
  const args = ['--force-local', '-cf', t.own, ...tarCreateArgs(t.format), '-C', ws.checkout, '--', ...t.paths];
  const tar = await local('tar', args, { events: ctx.events, signal: ctx.signal, stage: 'package', echo: shellLine(['tar', ...args]) });
  follower.writerExited();
  const { sha256, size } = await follower.followed.finally(() => file.close());
  if (!tar.ok) {
    rmSync(t.own, { force: true });
    return { ok: false, error: tar as Step & { ok: false } };
  }
  // A second name, renamed over the final one: the cache entry appears whole, and uploads keep the run's name.
  const publishing = `${t.final}.${plan.releaseId}.new`;
  rmSync(publishing, { force: true });
  linkSync(t.own, publishing);
  renameSync(publishing, t.final);
  const artifact: Artifact = { path: t.final, sha256, size, commit: plan.source.commit, format: t.format };
  if (t.treeBytes !== undefined) artifact.treeBytes = t.treeBytes;
  writeFileSync(`${t.base}.json`, JSON.stringify({ sha256, size, format: t.format, commit: plan.source.commit, treeBytes: t.treeBytes }));
  rmSync(ws.checkout, { recursive: true, force: true });
  return { ok: true, artifact };
}

/** Disk space the artifact paths take (`du -sk`), or undefined when du cannot say. */
async function diskUsage(checkout: string, paths: string[]): Promise<number | undefined> {
  const du = await runLocal('du', ['-sk', '--', ...paths], { cwd: checkout });
  if (du.exitCode !== 0) return undefined;
  const kib = du.stdout.split('\n').reduce((sum, line) => sum + (Number.parseInt(line, 10) || 0), 0);
  return kib * 1024;
}
