import { recordAudit } from '../audit/service.js';
import type { Db } from '../shared/db.js';
import { Unauthorized } from '../shared/errors.js';
import { toUserView, userInclude } from '../users/view.js';
import type { RequestContext } from '../plugins/app/auth/actor.js';
import type { PasswordHasher } from './passwords.js';

export interface AuthDeps {
  db: Db;
  hasher: PasswordHasher;
  sign: (payload: { sid: string }, subject: string, expiresInSeconds: number) => string;
  sessionSeconds: number;
}

const invalidCredentials = () => new Unauthorized('用户名或密码错误 / Invalid username or password');

async function openSession(deps: AuthDeps, userId: string, ip: string | null) {
  const expiresAt = new Date(Date.now() + deps.sessionSeconds * 1000);
  const session = await deps.db.session.create({ data: { userId, expiresAt, ip } });
  return { token: deps.sign({ sid: session.id }, userId, deps.sessionSeconds), expiresAt: expiresAt.toISOString() };
}

export async function login(deps: AuthDeps, input: { username: string; password: string }, ctx: RequestContext) {
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
  const opened = await openSession(deps, user.id, ctx.ip);
  await deps.db.user.update({ where: { id: user.id }, data: { lastLoginAt: new Date() } });
  await recordAudit(deps.db, { ...ctx, actorId: user.id, actorName: user.username }, { action: 'auth.login', resourceType: 'session' });
  return { ...opened, user: toUserView(user) };
}

export async function logout(db: Db, sessionId: string, ctx: RequestContext) {
  await db.session.updateMany({ where: { id: sessionId, revokedAt: null }, data: { revokedAt: new Date() } });
  await recordAudit(db, ctx, { action: 'auth.logout', resourceType: 'session', resourceId: sessionId });
}

/** Exchanges a live session for a fresh one; the old token stops working at once. */
export async function refresh(deps: AuthDeps, sessionId: string, userId: string, ctx: RequestContext) {
  const revoked = await deps.db.session.updateMany({
    where: { id: sessionId, revokedAt: null, expiresAt: { gt: new Date() } },
    data: { revokedAt: new Date() },
  });
  if (revoked.count === 0) throw new Unauthorized('Session expired');
  const opened = await openSession(deps, userId, ctx.ip);
  const user = await deps.db.user.findUniqueOrThrow({ where: { id: userId }, include: userInclude });
  return { ...opened, user: toUserView(user) };
}

export async function changeOwnPassword(
  deps: AuthDeps,
  userId: string,
  input: { currentPassword: string; newPassword: string },
  ctx: RequestContext,
) {
  const user = await deps.db.user.findUniqueOrThrow({ where: { id: userId } });
  if (!(await deps.hasher.verify(input.currentPassword, user.passwordHash))) {
    throw new Unauthorized('Current password is wrong');
  }
  const passwordHash = await deps.hasher.hash(input.newPassword);
  await deps.db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: userId }, data: { passwordHash } });
    // Every other session of this user ends: a password change is how people evict a stolen session.
    await tx.session.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: new Date() } });
    await recordAudit(tx, ctx, { action: 'user.password_change', resourceType: 'user', resourceId: userId });
  });
}
