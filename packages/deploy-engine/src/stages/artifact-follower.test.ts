import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { GrowingFile } from '../transport/growing-file.js';
import { followArtifact } from './artifact-follower.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Another process writes `pieces` × 300 kB with pauses between them, as tar + gzip do. */
function writeSlowly(path: string, pieces: number): Promise<number | null> {
  const child = spawn('sh', ['-c', `for i in $(seq ${pieces}); do head -c 300000 /dev/urandom; sleep 0.05; done > "$1"`, 'sh', path]);
  return new Promise((resolve) => child.once('close', resolve));
}

describe('followArtifact', () => {
  it('hashes every byte another process writes, and tells readers how far it is while it writes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'follow-'));
    dirs.push(dir);
    const path = join(dir, 'artifact.tar');
    const file = await open(path, 'w+');
    const growing = new GrowingFile();
    const seen: number[] = [];
    const watching = (async () => {
      for (let g = growing.now(); g.bytes < 1_500_000; ) seen.push((g = await growing.beyond(g.bytes)).bytes);
    })();
    const follower = followArtifact(file, growing);
    expect(await writeSlowly(path, 5)).toBe(0);
    follower.writerExited();
    const followed = await follower.followed;
    await file.close();
    await watching;

    const bytes = readFileSync(path);
    expect(followed).toEqual({ sha256: createHash('sha256').update(bytes).digest('hex'), size: 1_500_000 });
    expect(seen.some((n) => n > 0 && n < 1_500_000)).toBe(true);
  });

  it('reads what the writer wrote just before it exited', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'follow-'));
    dirs.push(dir);
    const path = join(dir, 'artifact.tar');
    const file = await open(path, 'w+');
    const follower = followArtifact(file, new GrowingFile());
    const child = spawn('sh', ['-c', 'head -c 123457 /dev/urandom > "$1"', 'sh', path]);
    await new Promise((resolve) => child.once('close', resolve));
    follower.writerExited();
    expect((await follower.followed).size).toBe(123_457);
    await file.close();
  });
});
