import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { GroupRole } from '../../../generated/prisma/enums.js';
import { Unauthorized } from '../../../shared/errors.js';
import type { Actor } from './actor.js';

export const API_TOKEN_PREFIX = 'rpt_';
const LAST_USED_GRANULARITY_MS = 60_000;

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

function bearer(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  // Browsers cannot set headers on a WebSocket handshake, so live channels also accept `?token=`.
  if (!header && request.url.startsWith('/ws/')) return (request.query as { token?: string } | undefined)?.token ?? null;
  if (!header) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match?.[1]) throw new Unauthorized('Authorization header must be "Bearer <token>"');
  return match[1];
}

const roleMap = (memberships: { groupId: string; role: GroupRole }[]) =>
  new Map(memberships.map((m) => [m.groupId, m.role]));

async function fromApiToken(app: FastifyInstance, token: string): Promise<Actor> {
  const row = await app.db.apiToken.findUnique({
    where: { tokenHash: hashToken(token) },
    include: { user: { include: { memberships: true } } },
  });
  const now = new Date();
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt <= now) || row.user.disabled) {
    throw new Unauthorized('Invalid, expired or revoked API token');
  }
  // Recorded at minute granularity so a busy integration does not turn every read into a write.
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > LAST_USED_GRANULARITY_MS) {
    await app.db.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: now } });
  }
  return {
    userId: row.user.id,
    username: row.user.username,
    isAdmin: row.user.isAdmin,
    roles: roleMap(row.user.memberships),
    via: 'token',
    tokenId: row.id,
    tokenScope: row.scope,
  };
}

async function fromSession(app: FastifyInstance, token: string): Promise<Actor> {
  let payload: { sid?: unknown; sub?: unknown };
  try {
    payload = app.jwt.verify(token);
  } catch {
    throw new Unauthorized('Invalid or expired session, please log in again');
  }
  if (typeof payload.sid !== 'string' || typeof payload.sub !== 'string') throw new Unauthorized('Malformed session token');
  const session = await app.db.session.findUnique({
    where: { id: payload.sid },
    include: { user: { include: { memberships: true } } },
  });
  if (!session || session.revokedAt || session.expiresAt <= new Date() || session.user.disabled || session.userId !== payload.sub) {
    throw new Unauthorized('Invalid or expired session, please log in again');
  }
  return {
    userId: session.user.id,
    username: session.user.username,
    isAdmin: session.user.isAdmin,
    roles: roleMap(session.user.memberships),
    via: 'session',
    sessionId: session.id,
  };
}

/** Resolves the caller from `Authorization: Bearer` (a session JWT or an `rpt_` API token); null when absent. */
export async function authenticate(app: FastifyInstance, request: FastifyRequest): Promise<Actor | null> {
  const token = bearer(request);
  if (token === null) return null;
  return token.startsWith(API_TOKEN_PREFIX) ? fromApiToken(app, token) : fromSession(app, token);
}
