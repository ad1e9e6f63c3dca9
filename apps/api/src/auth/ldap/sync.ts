import { recordAudit } from '../../audit/service.js';
import { notifyAccessChanged } from '../../channels.js';
import type { RequestContext } from '../../plugins/app/auth/actor.js';
import type { Db } from '../../shared/db.js';
import type { Directory } from './client.js';
import { provisionDirectoryUser } from './provision.js';

export const SYNC_CONTEXT: RequestContext = { actorId: null, actorName: 'ldap-sync', ip: null, userAgent: null };

/** The directory no longer admits the user: the platform account is disabled and every session of it ends. */
export async function disableDirectoryUser(db: Db, ctx: RequestContext, user: { id: string; username: string }, reason: 'missing' | 'disabled'): Promise<void> {
  await db.$transaction(async (tx) => {
    const { count } = await tx.user.updateMany({ where: { id: user.id, disabled: false }, data: { disabled: true } });
    if (count === 0) return;
    await tx.session.updateMany({ where: { userId: user.id, revokedAt: null }, data: { revokedAt: new Date() } });
    await notifyAccessChanged(tx, user.id);
    await recordAudit(tx, ctx, {
      action: 'user.update',
      resourceType: 'user',
      resourceId: user.id,
      details: { username: user.username, changed: ['disabled'], directory: reason },
    });
  });
}

export interface SyncResult {
  checked: number;
  disabled: string[];
}

/**
 * Re-reads every enabled directory user: those gone from the directory (or outside the user filter) or disabled
 * there are disabled here; the others get the group map applied again. A directory that cannot be asked stops the run
 * before anything changes for the user at hand: an outage must never disable accounts.
 */
export async function syncDirectoryUsers({ db, directory }: { db: Db; directory: Directory }): Promise<SyncResult> {
  const users = await db.user.findMany({ where: { source: 'ldap', disabled: false }, select: { id: true, username: true, ldapDn: true }, orderBy: { username: 'asc' } });
  const result: SyncResult = { checked: 0, disabled: [] };
  for (const user of users) {
    const found = user.ldapDn ? await directory.lookup(user.ldapDn) : ({ status: 'missing' } as const);
    result.checked += 1;
    if (found.status !== 'found') {
      await disableDirectoryUser(db, SYNC_CONTEXT, user, found.status);
      result.disabled.push(user.username);
      continue;
    }
    await provisionDirectoryUser(db, SYNC_CONTEXT, { entry: found.entry, groupMap: directory.groupMap });
  }
  return result;
}

/** Runs the sync every `minutes` (0: never); failures are logged and the next run tries again. */
export function scheduleDirectorySync(
  deps: { db: Db; directory: Directory; log: { info(msg: string): void; warn(msg: string): void } },
  { minutes }: { minutes: number },
): () => void {
  if (minutes === 0) return () => undefined;
  const run = () =>
    syncDirectoryUsers(deps)
      .then(({ disabled }) => disabled.length > 0 && deps.log.info(`LDAP sync disabled ${disabled.length} account(s): ${disabled.join(', ')}`))
      .catch((error: Error) => deps.log.warn(`LDAP sync failed: ${error.message}`));
  const timer = setInterval(run, minutes * 60_000);
  timer.unref();
  return () => clearInterval(timer);
}
