import { createHash, hkdfSync, randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * The master key every other secret is derived from. SECRET_KEY wins (required when several hosts share one
 * database); otherwise a key file is generated once under DATA_DIR so a single-host install needs no setup.
 */
export async function loadMasterKey(opts: { secretKey: string | undefined; dataDir: string }): Promise<Buffer> {
  await protectDataDir(opts.dataDir);
  if (opts.secretKey) return createHash('sha256').update(opts.secretKey).digest();
  const file = path.join(opts.dataDir, 'secret.key');
  try {
    const key = Buffer.from((await readFile(file, 'utf8')).trim(), 'base64');
    await chmod(file, 0o600);
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
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

/**
 * SECRET_KEY, ADMIN_PASSWORD and METRICS_TOKEN live in the config once it is loaded; taken out of the process environment before
 * anything is started, no child process (embedded database, git, tar, build) can inherit them.
 */
export function dropSecretsFromEnvironment(): void {
  delete process.env.SECRET_KEY;
  delete process.env.ADMIN_PASSWORD;
  delete process.env.METRICS_TOKEN;
}

/**
 * DATA_DIR holds the key, the database password and the embedded database: no other user may list or read it.
 * Others keep at most the right to pass through (o+x), which the embedded database's `postgres` user needs when the
 * platform runs as root; everything inside is private to its owner.
 */
async function protectDataDir(dataDir: string): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const info = await stat(dataDir);
  if (info.uid === process.getuid?.() && (info.mode & 0o066) !== 0) await chmod(dataDir, info.mode & 0o7711);
}

/** Separate keys per purpose, so a leak of one (e.g. the JWT key) says nothing about another. */
export function deriveKey(master: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), `release-platform:${purpose}`, 32));
}
