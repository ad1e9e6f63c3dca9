import type { Static } from 'typebox';
import type { Prisma } from '../generated/prisma/client.js';
import { auditChanges, type FieldPolicy } from '../audit/changes.js';
import { recordAudit } from '../audit/service.js';
import { notifyAccessChanged } from '../channels.js';
import type { RequestContext } from '../plugins/app/auth/actor.js';
import type { PasswordHasher } from '../shared/passwords.js';
import type { Db } from '../shared/db.js';
import { Conflict, Invalid, NotFound } from '../shared/errors.js';
import { assertPasswordPolicy } from '../shared/password-policy.js';
import { DIRECTORY_PASSWORD_MESSAGE } from '../auth/ldap/provision.js';
import { clearFailedLogins } from '../auth/lockout.js';
import { pageArgs } from '../shared/pagination.js';
import type { CreateUserBody, UpdateUserBody, UserQuery } from '@rp/contract/users';
import { toUserView, userInclude } from './view.js';

interface WriteDeps {
  db: Db;
  hasher: PasswordHasher;
  ctx: RequestContext;
}

export async function listUsers({ db }: { db: Db }, query: Static<typeof UserQuery>) {
  const where: Prisma.UserWhereInput = {
    disabled: query.disabled,
    OR: query.q
      ? [{ username: { contains: query.q, mode: 'insensitive' } }, { displayName: { contains: query.q, mode: 'insensitive' } }]
      : undefined,
  };
  const [rows, total] = await Promise.all([
    db.user.findMany({ where, include: userInclude, orderBy: { username: 'asc' }, ...pageArgs(query.page, query.pageSize) }),
    db.user.count({ where }),
  ]);
  return { items: rows.map(toUserView), total, page: query.page, pageSize: query.pageSize };
}

export async function getUser({ db }: { db: Db }, { id }: { id: string }) {
  const user = await db.user.findUnique({ where: { id }, include: userInclude });
  if (!user) throw new NotFound('User');
  return toUserView(user);
}

export async function createUser({ db, hasher, ctx }: WriteDeps, input: Static<typeof CreateUserBody>) {
  if (await db.user.findUnique({ where: { username: input.username } })) {
    throw new Conflict(`Username "${input.username}" is taken`, [{ field: 'username', message: 'already exists' }]);
  }
  assertPasswordPolicy(input.password, input.username);
  const passwordHash = await hasher.hash(input.password);
  return db.$transaction(async (tx) => {
    const user = await tx.user.create({
      data: {
        username: input.username,
        displayName: input.displayName ?? input.username,
        email: input.email ?? null,
        isAdmin: input.isAdmin ?? false,
        passwordHash,
      },
      include: userInclude,
    });
    await recordAudit(tx, ctx, { action: 'user.create', resourceType: 'user', resourceId: user.id, details: { username: user.username, isAdmin: user.isAdmin } });
    return toUserView(user);
  });
}

/**
 * The last enabled administrator cannot be demoted, disabled or deleted: nobody could undo it. The admin rows are
 * locked so two administrators demoting each other at once cannot both succeed.
 */
async function assertAnotherAdmin(tx: Prisma.TransactionClient, userId: string) {
  const admins = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM users WHERE is_admin AND NOT disabled FOR UPDATE`;
  if (!admins.some((admin) => admin.id !== userId)) throw new Conflict('This is the last active administrator');
}

const AUDITED: FieldPolicy = { plain: ['displayName', 'email', 'isAdmin', 'disabled'], secret: ['password'] };

/** A new password shows as changed by its hash (salted, so setting the same one again shows too), never the hash. */
const auditedRow = (user: { passwordHash: string }) => ({ ...user, password: user.passwordHash });

export async function updateUser({ db, hasher, ctx }: WriteDeps, { id, changes }: { id: string; changes: Static<typeof UpdateUserBody> }) {
  if (ctx.actorId === id && (changes.disabled === true || changes.isAdmin === false)) {
    throw new Invalid(changes.disabled === true ? 'disabled' : 'isAdmin', 'you cannot disable or demote yourself');
  }
  const target = await db.user.findUnique({ where: { id } });
  if (!target) throw new NotFound('User');
  if (changes.password !== undefined) {
    if (target.source === 'ldap') throw new Invalid('password', DIRECTORY_PASSWORD_MESSAGE);
    assertPasswordPolicy(changes.password, target.username);
  }
  const passwordHash = changes.password ? await hasher.hash(changes.password) : undefined;
  return db.$transaction(async (tx) => {
    const before = await tx.user.findUnique({ where: { id } });
    if (!before) throw new NotFound('User');
    if (before.isAdmin && (changes.isAdmin === false || changes.disabled === true)) await assertAnotherAdmin(tx, id);
    const user = await tx.user.update({
      where: { id },
      data: {
        displayName: changes.displayName,
        email: changes.email,
        isAdmin: changes.isAdmin,
        disabled: changes.disabled,
        passwordHash,
        // A new password from an administrator is the usual way out of a lockout.
        ...(passwordHash ? { failedLogins: 0, lockedUntil: null } : {}),
      },
      include: userInclude,
    });
    if (passwordHash || changes.disabled) {
      await tx.session.updateMany({ where: { userId: id, revokedAt: null }, data: { revokedAt: new Date() } });
    }
    await notifyAccessChanged(tx, id);
    await recordAudit(tx, ctx, {
      action: 'user.update',
      resourceType: 'user',
      resourceId: id,
      details: { username: user.username, changes: auditChanges(auditedRow(before), auditedRow(user), AUDITED) },
    });
    return toUserView(user);
  });
}

/** Ends a lockout before its time (and forgets the failed logins that led to it). */
export async function unlockUser({ db, ctx }: { db: Db; ctx: RequestContext }, { id }: { id: string }) {
  return db.$transaction(async (tx) => {
    const before = await tx.user.findUnique({ where: { id } });
    if (!before) throw new NotFound('User');
    await clearFailedLogins(tx, id);
    await recordAudit(tx, ctx, {
      action: 'user.unlock',
      resourceType: 'user',
      resourceId: id,
      details: { username: before.username, failedLogins: before.failedLogins, lockedUntil: before.lockedUntil?.toISOString() ?? null },
    });
    return toUserView(await tx.user.findUniqueOrThrow({ where: { id }, include: userInclude }));
  });
}

export async function deleteUser({ db, ctx }: { db: Db; ctx: RequestContext }, { id }: { id: string }) {
  if (ctx.actorId === id) throw new Invalid('id', 'you cannot delete yourself');
  await db.$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { id } });
    if (!user) throw new NotFound('User');
    if (user.isAdmin) await assertAnotherAdmin(tx, id);
    // Release history names who created and approved each release; it must outlive the account, so refuse.
    const releases = await tx.release.count({ where: { OR: [{ createdById: id }, { approvedById: id }] } });
    if (releases > 0) throw new Conflict(`${user.username} created or approved ${releases} release(s); the history must keep naming them, so disable the account instead`, { releases });
    await tx.user.delete({ where: { id } });
    await notifyAccessChanged(tx, id);
    await recordAudit(tx, ctx, { action: 'user.delete', resourceType: 'user', resourceId: id, details: { username: user.username } });
  });
}
