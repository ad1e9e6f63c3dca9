import { recordAudit } from '../audit/service.js';
import { notifyAccessChanged } from '../channels.js';
import type { Db } from '../shared/db.js';
import { Invalid, Unauthorized } from '../shared/errors.js';
import { assertPasswordPolicy } from '../shared/password-policy.js';
import { toUserView, userInclude } from '../users/view.js';
import { DIRECTORY_PASSWORD_MESSAGE } from './ldap/provision.js';
import type { RequestContext } from '../plugins/app/auth/actor.js';
import type { Sessions } from '../plugins/app/auth/sessions.js';
import type { PasswordHasher } from '../shared/passwords.js';

export interface AuthDeps {
  db: Db;
  hasher: PasswordHasher;
  sessions: Sessions;
}

type WithCtx<T> = T & { ctx: RequestContext };

export async function openSession(deps: Pick<AuthDeps, 'db' | 'sessions'>, { userId, ip }: { userId: string; ip: string | null }) {
  const expiresAt = new Date(Date.now() + deps.sessions.seconds * 1000);
  const session = await deps.db.session.create({ data: { userId, expiresAt, ip } });
  return { token: deps.sessions.sign({ sid: session.id }, userId, deps.sessions.seconds), expiresAt: expiresAt.toISOString() };
}

export async function logout({ db, ctx }: WithCtx<{ db: Db }>, { sessionId }: { sessionId: string }) {
  await db.session.updateMany({ where: { id: sessionId, revokedAt: null }, data: { revokedAt: new Date() } });
  await notifyAccessChanged(db, ctx.actorId);
  await recordAudit(db, ctx, { action: 'auth.logout', resourceType: 'session', resourceId: sessionId });
}

/** Exchanges a live session for a fresh one; the old token stops working at once. */
export async function refresh({ ctx, ...deps }: WithCtx<Pick<AuthDeps, 'db' | 'sessions'>>, { sessionId, userId }: { sessionId: string; userId: string }) {
  const revoked = await deps.db.session.updateMany({
    where: { id: sessionId, revokedAt: null, expiresAt: { gt: new Date() } },
    data: { revokedAt: new Date() },
  });
  if (revoked.count === 0) throw new Unauthorized('Session expired');
  await notifyAccessChanged(deps.db, userId);
  const opened = await openSession(deps, { userId, ip: ctx.ip });
  const user = await deps.db.user.findUniqueOrThrow({ where: { id: userId }, include: userInclude });
  return { ...opened, user: toUserView(user) };
}

export async function changeOwnPassword(
  { db, hasher, ctx }: WithCtx<Pick<AuthDeps, 'db' | 'hasher'>>,
  { userId, currentPassword, newPassword }: { userId: string; currentPassword: string; newPassword: string },
) {
  const user = await db.user.findUniqueOrThrow({ where: { id: userId } });
  if (user.source === 'ldap') throw new Invalid('newPassword', DIRECTORY_PASSWORD_MESSAGE);
  if (!(await hasher.verify(currentPassword, user.passwordHash))) {
    throw new Unauthorized('Current password is wrong');
  }
  assertPasswordPolicy(newPassword, user.username, 'newPassword');
  const passwordHash = await hasher.hash(newPassword);
  await db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: userId }, data: { passwordHash } });
    // Every other session of this user ends: a password change is how people evict a stolen session.
    await tx.session.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: new Date() } });
    await notifyAccessChanged(tx, userId);
    await recordAudit(tx, ctx, { action: 'user.password_change', resourceType: 'user', resourceId: userId });
  });
}
