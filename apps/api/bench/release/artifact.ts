import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The bytes a release of `sizeMb` carries, for the build command and the baseline's tarball alike. */
export const bytesOf = (sizeMb: number): number => sizeMb * 1024 * 1024;

/**
 * The baseline's artifact: the same tree a product build makes (`payload.bin` of random bytes, which do not
 * compress, so the wire carries the full size on every side, plus a small file), as a `.tar.gz`.
 */
export function makeRandomTarball(dir: string, sizeMb: number): { path: string; size: number } {
  const tree = path.join(dir, `tree-${sizeMb}`);
  mkdirSync(tree, { recursive: true });
  const fd = openSync(path.join(tree, 'payload.bin'), 'w');
  const chunk = 16 * 1024 * 1024;
  for (let written = 0; written < bytesOf(sizeMb); written += chunk) writeFileSync(fd, randomBytes(Math.min(chunk, bytesOf(sizeMb) - written)));
  closeSync(fd);
  writeFileSync(path.join(tree, 'VERSION'), 'baseline\n');
  const file = path.join(dir, `artifact-${sizeMb}mb.tar.gz`);
  execFileSync('sh', ['-c', 'tar -cf - -C "$1" . | gzip -1 > "$2"', 'sh', tree, file]);
  rmSync(tree, { recursive: true });
  return { path: file, size: statSync(file).size };
}
