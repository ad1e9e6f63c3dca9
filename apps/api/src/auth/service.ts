import { recordAudit } from '../audit/service.js';
import type { Db } from '../shared/db.js';
import { Unauthorized } from '../shared/errors.js';
import { toUserView, userInclude } from '../users/view.js';
import type { RequestContext } from '../plugins/app/auth/actor.js';
import type { Sessions } from '../plugins/app/auth/sessions.js';
import type { PasswordHasher } from '../shared/passwords.js';

export interface AuthDeps {
  db: Db;
  hasher: PasswordHasher;
  sessions: Sessions;
}

type WithCtx<T> = T & { ctx: RequestContext };

const invalidCredentials = () => new Unauthorized('用户名或密码错误 / Invalid username or password');

async function openSession(deps: Pick<AuthDeps, 'db' | 'sessions'>, { userId, ip }: { userId: string; ip: string | null }) {
  const expiresAt = new Date(Date.now() + deps.sessions.seconds * 1000);
  const session = await deps.db.session.create({ data: { userId, expiresAt, ip } });
  return { token: deps.sessions.sign({ sid: session.id }, userId, deps.sessions.seconds), expiresAt: expiresAt.toISOString() };
}

export async function login({ ctx, ...deps }: WithCtx<AuthDeps>, input: { username: string; password: string }) {
  const user = await deps.db.user.findUnique({ where: { username: input.username }, include: userInclude });
  const ok = await deps.hasher.verify(input.password, user?.passwordHash ?? null);
  if (!user || !ok || user.disabled) {
    await recordAudit(deps.db, { ...ctx, actorId: user?.id ?? null, actorName: input.username }, {
      action: 'auth.login',
      resourceType: 'session',
      success: false,
      details: { reason: !user || !ok ? 'bad_credentials' : 'disabled' },
    });
    throw invalidCredentials();
  }
  const opened = await openSession(deps, { userId: user.id, ip: ctx.ip });
  await deps.db.user.update({ where: { id: user.id }, data: { lastLoginAt: new Date() } });
  await recordAudit(deps.db, { ...ctx, actorId: user.id, actorName: user.username }, { action: 'auth.login', resourceType: 'session' });
  return { ...opened, user: toUserView(user) };
}

export async function logout({ db, ctx }: WithCtx<{ db: Db }>, { sessionId }: { sessionId: string }) {
  await db.session.updateMany({ where: { id: sessionId, revokedAt: null }, data: { revokedAt: new Date() } });
  await recordAudit(db, ctx, { action: 'auth.logout', resourceType: 'session', resourceId: sessionId });
}

/** Exchanges a live session for a fresh one; the old token stops working at once. */
export async function refresh({ ctx, ...deps }: WithCtx<Pick<AuthDeps, 'db' | 'sessions'>>, { sessionId, userId }: { sessionId: string; userId: string }) {
  const revoked = await deps.db.session.updateMany({
    where: { id: sessionId, revokedAt: null, expiresAt: { gt: new Date() } },
    data: { revokedAt: new Date() },
  });
  if (revoked.count === 0) throw new Unauthorized('Session expired');
  const opened = await openSession(deps, { userId, ip: ctx.ip });
  const user = await deps.db.user.findUniqueOrThrow({ where: { id: userId }, include: userInclude });
  return { ...opened, user: toUserView(user) };
}

export async function changeOwnPassword(
  { db, hasher, ctx }: WithCtx<Pick<AuthDeps, 'db' | 'hasher'>>,
  { userId, currentPassword, newPassword }: { userId: string; currentPassword: string; newPassword: string },
) {
  const user = await db.user.findUniqueOrThrow({ where: { id: userId } });
  if (!(await hasher.verify(currentPassword, user.passwordHash))) {
    throw new Unauthorized('Current password is wrong');
  }
  const passwordHash = await hasher.hash(newPassword);
  await db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: userId }, data: { passwordHash } });
    // Every other session of this user ends: a password change is how people evict a stolen session.
    await tx.session.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: new Date() } });
    await recordAudit(tx, ctx, { action: 'user.password_change', resourceType: 'user', resourceId: userId });
  });
}
