import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { repoRoot } from '../src/config.js';

export interface ProductProcess {
  child: ChildProcess;
  pid: number;
  baseUrl: string;
  output(): string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * Runs src/server.ts or src/worker.ts through tsx as a loader in one node process, as the multi-process tests do,
 * so its pid is the product's own (for CPU accounting) and extra node flags such as --cpu-prof reach it.
 */
export async function startProduct(entry: 'server' | 'worker', env: Record<string, string>, nodeFlags: string[] = []): Promise<ProductProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [...nodeFlags, '--conditions=source', '--import', 'tsx', path.join(repoRoot, `apps/api/src/${entry}.ts`)], {
    cwd: path.join(repoRoot, 'apps/api'),
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', HOST: '127.0.0.1', PORT: String(port), PASSWORD_HASH_ROUNDS: '4', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${entry} exited early (${child.exitCode}):\n${out}`);
    if (entry === 'worker') {
      if (/worker \S+ started/.test(out)) break;
    } else {
      try {
        if ((await fetch(`${baseUrl}/healthz`)).ok) break;
      } catch {
        // not listening yet
      }
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${entry} did not become ready within 60 s:\n${out}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    child,
    pid: child.pid ?? 0,
    baseUrl,
    output: () => out,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      // SIGTERM lets it close cleanly (and write its CPU profile); a process that hangs is killed after 15 s.
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      child.kill('SIGTERM');
      await exited;
      clearTimeout(killer);
    },
  };
}
