import type { Static } from 'typebox';
import type { Prisma } from '../generated/prisma/client.js';
import type { GroupRole } from '../generated/prisma/enums.js';
import { archivedAtOf, archivedFilter, assertWritable } from '../archive/service.js';
import { auditChanges } from '../audit/changes.js';
import { recordAudit } from '../audit/service.js';
import { notifyAccessChanged } from '../channels.js';
import type { Actor, RequestContext } from '../plugins/app/auth/actor.js';
import type { Db } from '../shared/db.js';
import { Conflict, NotFound } from '../shared/errors.js';
import { pageArgs } from '../shared/pagination.js';
import type { CreateGroupBody, GroupQuery, UpdateGroupBody } from '@rp/contract/groups';

type GroupRow = Prisma.GroupGetPayload<{ include: { _count: { select: { memberships: true } } } }>;

const view = (group: GroupRow, actor: Actor) => ({
  id: group.id,
  name: group.name,
  description: group.description,
  memberCount: group._count.memberships,
  myRole: actor.roles.get(group.id) ?? null,
  archivedAt: archivedAtOf(group.archivedAt),
  createdAt: group.createdAt.toISOString(),
  updatedAt: group.updatedAt.toISOString(),
});

const withCount = { _count: { select: { memberships: true } } } as const;

interface ReadDeps {
  db: Db;
  actor: Actor;
}
interface WriteDeps {
  db: Db;
  ctx: RequestContext;
}

/** Administrators see every group; everyone else sees the groups they belong to. */
export async function listGroups({ db, actor }: ReadDeps, query: Static<typeof GroupQuery>) {
  const where: Prisma.GroupWhereInput = {
    id: actor.isAdmin ? undefined : { in: [...actor.roles.keys()] },
    name: query.q ? { contains: query.q, mode: 'insensitive' } : undefined,
    ...archivedFilter('group', query.archived),
  };
  const [rows, total] = await Promise.all([
    db.group.findMany({ where, include: withCount, orderBy: { name: 'asc' }, ...pageArgs(query.page, query.pageSize) }),
    db.group.count({ where }),
  ]);
  return { items: rows.map((row) => view(row, actor)), total, page: query.page, pageSize: query.pageSize };
}

export async function getGroup({ db, actor }: ReadDeps, { id }: { id: string }) {
  const group = await db.group.findUnique({ where: { id }, include: withCount });
  if (!group) throw new NotFound('Group');
  return view(group, actor);
}

async function assertNameFree(db: Prisma.TransactionClient | Db, name: string, exceptId?: string) {
  const clash = await db.group.findUnique({ where: { name } });
  if (clash && clash.id !== exceptId) throw new Conflict(`Group "${name}" already exists`, [{ field: 'name', message: 'already exists' }]);
}

export async function createGroup({ db, actor, ctx }: ReadDeps & WriteDeps, input: Static<typeof CreateGroupBody>) {
  return db.$transaction(async (tx) => {
    await assertNameFree(tx, input.name);
    const group = await tx.group.create({ data: { name: input.name, description: input.description ?? '' }, include: withCount });
    await recordAudit(tx, ctx, { action: 'group.create', resourceType: 'group', resourceId: group.id, details: { name: group.name } });
    return view(group, actor);
  });
}

export async function updateGroup({ db, actor, ctx }: ReadDeps & WriteDeps, { id, changes }: { id: string; changes: Static<typeof UpdateGroupBody> }) {
  return db.$transaction(async (tx) => {
    await assertWritable(tx, 'group', id);
    const before = await tx.group.findUnique({ where: { id } });
    if (!before) throw new NotFound('Group');
    if (changes.name) await assertNameFree(tx, changes.name, id);
    const group = await tx.group.update({ where: { id }, data: changes, include: withCount });
    const diff = auditChanges(before, group, { plain: ['name', 'description'] });
    await recordAudit(tx, ctx, { action: 'group.update', resourceType: 'group', resourceId: id, details: { name: group.name, changes: diff } });
    return view(group, actor);
  });
}

export async function listMembers({ db }: { db: Db }, { groupId, page, pageSize }: { groupId: string; page: number; pageSize: number }) {
  if (!(await db.group.findUnique({ where: { id: groupId } }))) throw new NotFound('Group');
  const where = { groupId };
  const [rows, total] = await Promise.all([
    db.membership.findMany({ where, include: { user: true }, orderBy: { user: { username: 'asc' } }, ...pageArgs(page, pageSize) }),
    db.membership.count({ where }),
  ]);
  return {
    items: rows.map((m) => ({
      userId: m.userId,
      username: m.user.username,
      displayName: m.user.displayName,
      role: m.role,
      createdAt: m.createdAt.toISOString(),
    })),
    total,
    page,
    pageSize,
  };
}

/** A group must keep an owner, or nobody but an administrator could manage it again. */
async function assertAnotherOwner(tx: Prisma.TransactionClient, groupId: string, userId: string) {
  const owners = await tx.membership.count({ where: { groupId, role: 'owner', userId: { not: userId } } });
  if (owners === 0) throw new Conflict('A group must keep at least one owner');
}

export async function setMember({ db, ctx }: WriteDeps, { groupId, userId, role }: { groupId: string; userId: string; role: GroupRole }) {
  return db.$transaction(async (tx) => {
    if (!(await tx.group.findUnique({ where: { id: groupId } }))) throw new NotFound('Group');
    const user = await tx.user.findUnique({ where: { id: userId } });
    if (!user) throw new NotFound('User');
    const before = await tx.membership.findUnique({ where: { groupId_userId: { groupId, userId } } });
    if (before?.role === 'owner' && role !== 'owner') await assertAnotherOwner(tx, groupId, userId);
    const member = await tx.membership.upsert({
      where: { groupId_userId: { groupId, userId } },
      create: { groupId, userId, role },
      update: { role },
    });
    await notifyAccessChanged(tx, userId);
    await recordAudit(tx, ctx, {
      action: before ? 'group.member_update' : 'group.member_add',
      resourceType: 'group',
      resourceId: groupId,
      details: { userId, username: user.username, role, previousRole: before?.role ?? null },
    });
    return { userId, username: user.username, displayName: user.displayName, role: member.role, createdAt: member.createdAt.toISOString() };
  });
}

export async function removeMember({ db, ctx }: WriteDeps, { groupId, userId }: { groupId: string; userId: string }) {
  await db.$transaction(async (tx) => {
    const member = await tx.membership.findUnique({ where: { groupId_userId: { groupId, userId } }, include: { user: true } });
    if (!member) throw new NotFound('Membership');
    if (member.role === 'owner') await assertAnotherOwner(tx, groupId, userId);
    await tx.membership.delete({ where: { groupId_userId: { groupId, userId } } });
    await notifyAccessChanged(tx, userId);
    await recordAudit(tx, ctx, { action: 'group.member_remove', resourceType: 'group', resourceId: groupId, details: { userId, username: member.user.username, role: member.role } });
  });
}
