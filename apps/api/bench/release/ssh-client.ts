import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import type { SshHost } from '@rp/deploy-engine/testing';

/** OpenSSH client options for a throwaway harness host: its key, no host-key prompts, no passwords. */
export function sshOptions(host: SshHost, keyPath: string): string[] {
  return ['-i', keyPath, '-p', String(host.port), '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', '-o', 'BatchMode=yes'];
}

/** Runs one command on a host with OpenSSH's `ssh`, optionally fed a file on stdin; rejects with its stderr. */
export function ssh(host: SshHost, keyPath: string, remote: string, stdinPath?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const fd = stdinPath ? openSync(stdinPath, 'r') : 'ignore';
    const child = spawn('ssh', [...sshOptions(host, keyPath), `${host.username}@${host.host}`, remote], { stdio: [fd, 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (typeof fd === 'number') closeSync(fd);
      if (code === 0) resolve();
      else reject(new Error(`ssh to port ${host.port} exited ${code}: ${stderr.trim()}`));
    });
  });
}

/** Runs `fn` over `items` with at most `limit` in flight, as a rollout's concurrency cap does. */
export async function limited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await fn(item);
    }),
  );
}
