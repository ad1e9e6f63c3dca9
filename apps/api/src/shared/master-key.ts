import { createHash, hkdfSync, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * The master key every other secret is derived from. SECRET_KEY wins (required when several hosts share one
 * database); otherwise a key file is generated once under DATA_DIR so a single-host install needs no setup.
 */
export async function loadMasterKey(opts: { secretKey: string | undefined; dataDir: string }): Promise<Buffer> {
  if (opts.secretKey) return createHash('sha256').update(opts.secretKey).digest();
  const file = path.join(opts.dataDir, 'secret.key');
  try {
    return Buffer.from((await readFile(file, 'utf8')).trim(), 'base64');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(opts.dataDir, { recursive: true });
  const key = randomBytes(32);
  // 'wx' fails if another process created the file first; then its key is the one to use.
  try {
    await writeFile(file, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return Buffer.from((await readFile(file, 'utf8')).trim(), 'base64');
  }
}

/** Separate keys per purpose, so a leak of one (e.g. the JWT key) says nothing about another. */
export function deriveKey(master: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), `release-platform:${purpose}`, 32));
}
