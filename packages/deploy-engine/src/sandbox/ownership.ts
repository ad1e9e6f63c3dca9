import { lchown, lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Hands a tree to the build uid. Symbolic links are changed themselves and never followed: a checkout may contain
 * a link to any file on the host, and following it would give that file away.
 */
export async function chownTree(path: string, uid: number, gid: number): Promise<void> {
  await lchown(path, uid, gid);
  if (!(await lstat(path)).isDirectory()) return;
  const entries = await readdir(path, { withFileTypes: true });
  await Promise.all(entries.map((e) => (e.isDirectory() ? chownTree(join(path, e.name), uid, gid) : lchown(join(path, e.name), uid, gid))));
}

/** The cache keeps growing between builds; it is walked again only when it belongs to someone else (uid changed). */
export async function ensureOwned(path: string, uid: number, gid: number): Promise<void> {
  const info = await lstat(path);
  if (info.uid !== uid || info.gid !== gid) await chownTree(path, uid, gid);
}
