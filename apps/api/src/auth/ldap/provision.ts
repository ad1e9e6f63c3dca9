import type { GroupRole } from '@rp/contract/rules';
import { recordAudit } from '../../audit/service.js';
import type { RequestContext } from '../../plugins/app/auth/actor.js';
import type { Db, DbTx } from '../../shared/db.js';
import type { DirectoryEntry } from './client.js';
import { resolveGrants, type GroupRule } from './mapping.js';
import { notifyAccessChanged } from '../../channels.js';

/** Not a bcrypt hash, so no password ever matches it: directory users authenticate against the directory only. */
export const DIRECTORY_PASSWORD_HASH = '!ldap';

/** Why a directory user's password cannot be set or changed on the platform. */
export const DIRECTORY_PASSWORD_MESSAGE = 'this is a directory (LDAP) account: its password is changed in the directory, not here';

/** The directory's user cannot have a platform account: the name is a local account's, or unusable as a username. */
export class DirectoryUserRefused extends Error {}

const USERNAME_MAX = 64;

/**
 * Makes the platform's memberships in the groups the map names follow the directory: added, re-roled or removed.
 * Other groups are the administrators' to manage. Groups the map names that do not exist (or are archived) are skipped.
 */
async function applyMemberships(tx: DbTx, userId: string, roles: Map<string, GroupRole>, managed: Set<string>) {
  const groups = await tx.group.findMany({ where: { name: { in: [...managed] }, archivedAt: null }, select: { id: true, name: true } });
  const current = await tx.membership.findMany({ where: { userId, groupId: { in: groups.map((g) => g.id) } } });
  const changes: Record<string, GroupRole | null> = {};
  for (const group of groups) {
    const want = roles.get(group.name);
    const have = current.find((m) => m.groupId === group.id)?.role;
    if (want === have) continue;
    changes[group.name] = want ?? null;
    if (!want) await tx.membership.delete({ where: { groupId_userId: { groupId: group.id, userId } } });
    else await tx.membership.upsert({ where: { groupId_userId: { groupId: group.id, userId } }, create: { groupId: group.id, userId, role: want }, update: { role: want } });
  }
  return changes;
}

/**
 * Creates or updates the platform account of a directory user and applies the group map (memberships, and
 * administrator rights when the map has an admin rule). Audits what changed. Returns the user's id.
 */
export async function provisionDirectoryUser(db: Db, ctx: RequestContext, { entry, groupMap }: { entry: DirectoryEntry; groupMap: GroupRule[] }): Promise<string> {
  const grants = resolveGrants(groupMap, entry.groups);
  return db.$transaction(async (tx) => {
    const existing = (await tx.user.findFirst({ where: { ldapDn: entry.dn } })) ?? (await tx.user.findUnique({ where: { username: entry.username } }));
    if (existing && existing.source !== 'ldap') throw new DirectoryUserRefused(`"${entry.username}" is a local account`);
    if (!existing && (!entry.username || entry.username.length > USERNAME_MAX)) throw new DirectoryUserRefused(`"${entry.username}" cannot be a username`);
    const profile = { displayName: entry.displayName.slice(0, 128), email: entry.email?.slice(0, 254) ?? null, ldapDn: entry.dn };
    const user = existing
      ? await tx.user.update({ where: { id: existing.id }, data: { ...profile, isAdmin: grants.isAdmin } })
      : await tx.user.create({
          data: { ...profile, username: entry.username, source: 'ldap', passwordHash: DIRECTORY_PASSWORD_HASH, isAdmin: grants.isAdmin ?? false },
        });
    const memberships = await applyMemberships(tx, user.id, grants.roles, grants.managedGroups);
    const adminChanged = existing !== null && existing.isAdmin !== user.isAdmin;
    if (adminChanged || Object.keys(memberships).length > 0) await notifyAccessChanged(tx, user.id);
    if (!existing) {
      await recordAudit(tx, ctx, {
        action: 'user.create',
        resourceType: 'user',
        resourceId: user.id,
        details: { username: user.username, source: 'ldap', isAdmin: user.isAdmin, memberships },
      });
    } else if (adminChanged || Object.keys(memberships).length > 0) {
      await recordAudit(tx, ctx, {
        action: 'user.directory_sync',
        resourceType: 'user',
        resourceId: user.id,
        details: { username: user.username, ...(adminChanged ? { isAdmin: user.isAdmin } : {}), memberships },
      });
    }
    return user.id;
  });
}
