import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { repoRoot } from '../../src/config.js';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export interface ServerProcess {
  child: ChildProcess;
  baseUrl: string;
  output(): string;
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Runs a real entry point (src/server.ts or src/worker.ts) through tsx, as `pnpm dev` does. */
export async function startServer(
  env: Record<string, string>,
  opts: { expectFailure?: boolean; entry?: 'server' | 'worker'; nodeFlags?: string[] } = {},
): Promise<ServerProcess> {
  const port = env.PORT ? Number(env.PORT) : await freePort();
  // tsx as a loader inside one node process (not the tsx CLI, which forks a child): a SIGKILL must hit the real thing.
  const child = spawn(process.execPath, [...(opts.nodeFlags ?? []), '--conditions=source', '--import', 'tsx', path.join(repoRoot, `apps/api/src/${opts.entry ?? 'server'}.ts`)], {
    cwd: path.join(repoRoot, 'apps/api'),
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', HOST: '127.0.0.1', PORT: String(port), PASSWORD_HASH_ROUNDS: '4', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const baseUrl = `http://127.0.0.1:${port}`;
  if (!opts.expectFailure) {
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`server exited early (${child.exitCode}):\n${out}`);
      if (opts.entry === 'worker') {
        if (/worker \S+ started/.test(out)) break;
      } else {
        try {
          if ((await fetch(`${baseUrl}/healthz`)).ok) break;
        } catch {
          // not listening yet
        }
      }
      if (Date.now() > deadline) throw new Error(`server did not become healthy:\n${out}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  return {
    child,
    baseUrl,
    output: () => out,
    exited,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}
