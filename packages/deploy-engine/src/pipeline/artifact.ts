import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { engineError } from '../errors.js';
import type { EventSink, StageName } from '../events.js';
import { GIT_ENV, GIT_SAFETY_ARGS } from '../git/git.js';
import { runLocal, type LocalOptions } from '../local.js';
import type { Artifact, HookName, ReleasePlan } from '../types.js';
import { OK, type Step } from './context.js';

/** The per-project workspace on the platform host: mirror, checkouts, hook files and the artifact cache. */
export function workspace(plan: ReleasePlan) {
  const root = join(plan.workDir, plan.project);
  return {
    root,
    mirror: join(root, 'mirror.git'),
    checkout: join(root, 'checkouts', plan.releaseId),
    hooks: join(root, 'hooks', plan.releaseId),
    artifacts: join(root, 'artifacts'),
  };
}

/** Everything that changes the built output besides the commit; a different hash means a different artifact. */
export function buildConfigHash(plan: ReleasePlan): string {
  const relevant = {
    build: plan.build ?? {},
    beforeCheckout: plan.hooks?.['before-checkout'] ?? null,
    afterCheckout: plan.hooks?.['after-checkout'] ?? null,
  };
  return createHash('sha256').update(JSON.stringify(relevant)).digest('hex');
}

export function cachedArtifactPath(plan: ReleasePlan): string {
  return join(workspace(plan).artifacts, `${plan.source.commit}-${buildConfigHash(plan).slice(0, 16)}.tar.gz`);
}

/** Reads the cache entry's recorded checksum; an entry without its `.json` was never completed. */
export function findCachedArtifact(plan: ReleasePlan): Artifact | undefined {
  const path = cachedArtifactPath(plan);
  if (!existsSync(path) || !existsSync(`${path}.json`)) return undefined;
  const meta = JSON.parse(readFileSync(`${path}.json`, 'utf8')) as { sha256: string; size: number };
  return { path, sha256: meta.sha256, size: meta.size, commit: plan.source.commit };
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

interface LocalStepOptions {
  events: EventSink;
  stage: StageName;
  signal: AbortSignal | undefined;
  cwd?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
}

async function local(program: string, args: string[], o: LocalStepOptions): Promise<Step & { stdout?: string }> {
  const out = o.events.lineLogger(o.stage, 'stdout');
  const err = o.events.lineLogger(o.stage, 'stderr');
  const options: LocalOptions = { onStdout: (c) => out.write(c), onStderr: (c) => err.write(c) };
  if (o.cwd) options.cwd = o.cwd;
  if (o.env) options.env = o.env;
  if (o.signal) options.signal = o.signal;
  if (o.timeoutMs) options.timeoutMs = o.timeoutMs;
  const result = await runLocal(program, args, options);
  out.flush();
  err.flush();
  if (result.exitCode === 0) return { ok: true, stdout: result.stdout };
  const error: Step = {
    ok: false,
    error: { kind: 'exec', command: [program, ...args].join(' '), exitCode: result.exitCode, stderrTail: result.stderrTail, durationMs: result.durationMs },
  };
  if (result.reason && !error.ok && error.error.kind === 'exec') error.error.reason = result.reason;
  return error;
}

const git = (args: string[], o: LocalStepOptions) => local('git', [...GIT_SAFETY_ARGS, ...args], { ...o, env: { ...GIT_ENV, ...o.env } });

/**
 * Fetches into a bare mirror kept per project, then exports exactly `commit` with `git archive`: the tree is the
 * commit's, never whatever a branch points at now. Commits no branch or tag reaches are fetched by sha as a fallback.
 */
export async function checkout(plan: ReleasePlan, o: Omit<LocalStepOptions, 'stage'>): Promise<Step> {
  const ws = workspace(plan);
  const step = { ...o, stage: 'checkout' as const };
  if (!existsSync(join(ws.mirror, 'HEAD'))) {
    mkdirSync(ws.mirror, { recursive: true });
    const init = await git(['init', '--bare', '--quiet', ws.mirror], step);
    if (!init.ok) return init;
  }
  const fetch = await git(['-C', ws.mirror, 'fetch', '--quiet', '--prune', '--force', '--', plan.source.gitUrl, '+refs/heads/*:refs/heads/*', '+refs/tags/*:refs/tags/*'], step);
  if (!fetch.ok) return fetch;
  const commitRef = `${plan.source.commit}^{commit}`;
  let has = await runLocal('git', ['-C', ws.mirror, 'cat-file', '-e', commitRef]);
  if (has.exitCode !== 0) {
    await git(['-C', ws.mirror, 'fetch', '--quiet', '--', plan.source.gitUrl, plan.source.commit], step);
    has = await runLocal('git', ['-C', ws.mirror, 'cat-file', '-e', commitRef]);
    if (has.exitCode !== 0) return { ok: false, error: engineError('invalid-plan', `commit ${plan.source.commit} does not exist in ${plan.source.gitUrl}`) };
  }
  rmSync(ws.checkout, { recursive: true, force: true });
  mkdirSync(ws.checkout, { recursive: true });
  const tarPath = `${ws.checkout}.tar`;
  const archive = await git(['-C', ws.mirror, 'archive', '--format=tar', `--output=${tarPath}`, plan.source.commit], step);
  if (!archive.ok) return archive;
  const unpack = await local('tar', ['-xf', tarPath, '-C', ws.checkout], step);
  rmSync(tarPath, { force: true });
  return unpack.ok ? OK : unpack;
}

/** Global hooks run on the platform host from a file, like remote hooks; the script text is never a command line. */
export async function runLocalHook(plan: ReleasePlan, name: HookName, cwd: string, o: Omit<LocalStepOptions, 'stage' | 'cwd'>): Promise<Step | 'skipped'> {
  const script = plan.hooks?.[name];
  if (script === undefined) return 'skipped';
  const ws = workspace(plan);
  mkdirSync(ws.hooks, { recursive: true });
  const file = join(ws.hooks, `${name}.sh`);
  writeFileSync(file, script, { mode: 0o700 });
  mkdirSync(cwd, { recursive: true });
  const env = { RELEASE_ID: plan.releaseId, COMMIT: plan.source.commit, PROJECT: plan.project, CHECKOUT_PATH: ws.checkout };
  return local('sh', [file], { ...o, stage: `hook:${name}`, cwd, env });
}

export async function build(plan: ReleasePlan, o: Omit<LocalStepOptions, 'stage' | 'cwd'>): Promise<Step | 'skipped'> {
  const command = plan.build?.command;
  if (!command) return 'skipped';
  const env = { ...plan.build?.env, RELEASE_ID: plan.releaseId, COMMIT: plan.source.commit };
  // The build command is the project's own configured shell command, run as an argument of sh on our host.
  return local('sh', ['-c', command], { ...o, stage: 'build', cwd: workspace(plan).checkout, env });
}

/** Packs the artifact paths into the cache under commit + build-config hash and records its sha256 and size. */
export async function packageArtifact(plan: ReleasePlan, o: Omit<LocalStepOptions, 'stage' | 'cwd'>): Promise<{ ok: true; artifact: Artifact } | { ok: false; error: Step & { ok: false } }> {
  const ws = workspace(plan);
  mkdirSync(ws.artifacts, { recursive: true });
  const final = cachedArtifactPath(plan);
  const tmp = `${final}.${process.pid}.tmp`;
  const paths = plan.build?.artifactPaths?.length ? plan.build.artifactPaths : ['.'];
  const tar = await local('tar', ['-czf', tmp, '-C', ws.checkout, '--', ...paths], { ...o, stage: 'package' });
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

export function artifactStream(artifact: Artifact) {
  return createReadStream(artifact.path, { highWaterMark: 1024 * 1024 });
}
