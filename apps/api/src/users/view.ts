import type { GroupRole } from '../generated/prisma/enums.js';

/** The columns a user view is made of, whether Prisma or plain SQL read them. */
export interface UserRow {
  id: string;
  username: string;
  displayName: string;
  email: string | null;
  isAdmin: boolean;
  disabled: boolean;
  source: string;
  failedLogins: number;
  lockedUntil: Date | null;
  lastLoginAt: Date | null;
  createdAt: Date;
  memberships: { groupId: string; role: GroupRole; group: { name: string } }[];
}

/** The one place a user row becomes an API object: the password hash never gets past here. */
export function toUserView(user: UserRow) {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    email: user.email,
    isAdmin: user.isAdmin,
    disabled: user.disabled,
    source: user.source === 'ldap' ? ('ldap' as const) : ('local' as const),
    failedLogins: user.failedLogins,
    // A lock that has run out is no lock: the SPA shows the field only while it holds.
    lockedUntil: user.lockedUntil && user.lockedUntil > new Date() ? user.lockedUntil.toISOString() : null,
    lastLoginAt: user.lastLoginAt?.toISOString() ?? null,
    createdAt: user.createdAt.toISOString(),
    memberships: user.memberships
      .map((m) => ({ groupId: m.groupId, groupName: m.group.name, role: m.role }))
      .sort((a, b) => a.groupName.localeCompare(b.groupName)),
  };
}

export const userInclude = { memberships: { include: { group: { select: { name: true } } } } } as const;
