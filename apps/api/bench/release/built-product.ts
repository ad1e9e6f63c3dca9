import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../src/config.js';
import { freePort } from '../../test/helpers/server-process.js';
import type { ProductProcess } from './product.js';

// What `npm start` / `npm run worker` load: each package's dist, built from its src.
const BUILT = [
  { src: 'packages/contract/src', output: 'packages/contract/dist/common.js' },
  { src: 'packages/deploy-engine/src', output: 'packages/deploy-engine/dist/index.js' },
  { src: 'apps/api/src', output: 'apps/api/dist/server.js' },
];

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts') || entry.name.endsWith('.test.ts')) continue;
    newest = Math.max(newest, statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/**
 * Null when every package's build output is newer than its sources (so the built product is the code in the tree),
 * else why not. The memory figures need it: run from source, each process also carries tsx's loader thread
 * (~70 MiB of RSS) that a deployed product does not have.
 */
export function whyNotBuilt(): string | null {
  for (const { src, output } of BUILT) {
    let built: number;
    try {
      built = statSync(path.join(repoRoot, output)).mtimeMs;
    } catch {
      return `${output} missing (npm run build)`;
    }
    if (newestSource(path.join(repoRoot, src)) > built) return `${src} changed since ${output} was built (npm run build)`;
  }
  return null;
}

/** A product entry point run from its build output through scripts/launch.sh, as `npm start` / `npm run worker` do. */
export async function startBuilt(entry: 'server' | 'worker', env: Record<string, string>): Promise<ProductProcess> {
  const port = await freePort();
  const child = spawn('sh', [path.join(repoRoot, 'scripts/launch.sh'), path.join(repoRoot, `apps/api/dist/${entry}.js`)], {
    cwd: path.join(repoRoot, 'apps/api'),
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', HOST: '127.0.0.1', PORT: String(port), PASSWORD_HASH_ROUNDS: '4', NODE: process.execPath, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // The tail only: enough to explain a failed start, without keeping a long run's request log.
  let out = '';
  const keep = (chunk: Buffer) => (out = (out + chunk.toString()).slice(-64 * 1024));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`built ${entry} exited early (${child.exitCode}):\n${out}`);
    if (entry === 'worker' ? /worker \S+ started/.test(out) : await fetch(`${baseUrl}/healthz`).then((r) => r.ok, () => false)) break;
    if (Date.now() > deadline) throw new Error(`built ${entry} did not start:\n${out}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    child,
    baseUrl,
    pid: child.pid ?? 0,
    output: () => out,
    exited,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      child.kill('SIGTERM');
      const code = await exited;
      clearTimeout(killer);
      return code;
    },
  };
}
