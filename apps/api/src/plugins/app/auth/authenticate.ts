import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { BEARER_PROTOCOL_PREFIX } from '@rp/contract/feed';
import type { GroupRole } from '../../../generated/prisma/enums.js';
import type { Prisma } from '../../../generated/prisma/client.js';
import type { Db } from '../../../shared/db.js';
import { Unauthorized } from '../../../shared/errors.js';
import type { Actor } from './actor.js';

export const API_TOKEN_PREFIX = 'rpt_';
const LAST_USED_GRANULARITY_MS = 60_000;

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

type Credential = { kind: 'bearer'; token: string } | { kind: 'ticket'; ticket: string };

function credential(request: FastifyRequest): Credential | null {
  const header = request.headers.authorization;
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) throw new Unauthorized('Authorization header must be "Bearer <token>"');
    return { kind: 'bearer', token: match[1] };
  }
  if (!request.url.startsWith('/ws/')) return null;
  // Browsers cannot set headers on a WebSocket handshake. A token in the URL would be written to every access log,
  // so live channels take a single-use ticket there, or the token as an offered subprotocol.
  const ticket = (request.query as { ticket?: unknown } | undefined)?.ticket;
  if (typeof ticket === 'string') return { kind: 'ticket', ticket };
  const offered = request.headers['sec-websocket-protocol']
    ?.split(',')
    .map((protocol) => protocol.trim())
    .find((protocol) => protocol.startsWith(BEARER_PROTOCOL_PREFIX));
  return offered ? { kind: 'bearer', token: offered.slice(BEARER_PROTOCOL_PREFIX.length) } : null;
}

const roleMap = (memberships: { groupId: string; role: GroupRole }[]) =>
  new Map(memberships.map((m) => [m.groupId, m.role]));

const withMembers = { user: { include: { memberships: true } } } as const;
type TokenRow = Prisma.ApiTokenGetPayload<{ include: typeof withMembers }>;
type SessionRow = Prisma.SessionGetPayload<{ include: typeof withMembers }>;

const tokenUsable = (row: TokenRow, now: Date) => !row.revokedAt && !(row.expiresAt && row.expiresAt <= now) && !row.user.disabled;
const sessionUsable = (row: SessionRow, now: Date) => !row.revokedAt && row.expiresAt > now && !row.user.disabled;

const tokenActor = (row: TokenRow): Actor => ({
  userId: row.user.id,
  username: row.user.username,
  isAdmin: row.user.isAdmin,
  roles: roleMap(row.user.memberships),
  via: 'token',
  tokenId: row.id,
  tokenScope: row.scope,
});

const sessionActor = (row: SessionRow): Actor => ({
  userId: row.user.id,
  username: row.user.username,
  isAdmin: row.user.isAdmin,
  roles: roleMap(row.user.memberships),
  via: 'session',
  sessionId: row.id,
});

interface Resolved {
  actor: Actor;
  /** When the credential itself expires (ms since the epoch): the principal cache keeps it no longer. */
  until: number;
}

async function fromApiToken(app: FastifyInstance, token: string): Promise<Resolved> {
  const row = await app.db.apiToken.findUnique({ where: { tokenHash: hashToken(token) }, include: withMembers });
  const now = new Date();
  if (!row || !tokenUsable(row, now)) throw new Unauthorized('Invalid, expired or revoked API token');
  // Recorded at minute granularity so a busy integration does not turn every read into a write.
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > LAST_USED_GRANULARITY_MS) {
    await app.db.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: now } });
  }
  return { actor: tokenActor(row), until: row.expiresAt?.getTime() ?? Number.POSITIVE_INFINITY };
}

async function fromSession(app: FastifyInstance, token: string): Promise<Resolved> {
  let payload: { sid?: unknown; sub?: unknown; exp?: unknown };
  try {
    payload = app.jwt.verify(token);
  } catch {
    throw new Unauthorized('Invalid or expired session, please log in again');
  }
  if (typeof payload.sid !== 'string' || typeof payload.sub !== 'string') throw new Unauthorized('Malformed session token');
  const session = await app.db.session.findUnique({ where: { id: payload.sid }, include: withMembers });
  if (!session || !sessionUsable(session, new Date()) || session.userId !== payload.sub) {
    throw new Unauthorized('Invalid or expired session, please log in again');
  }
  // A JWT may end before its session does (it is signed for the session's lifetime, or less).
  const jwtEnds = typeof payload.exp === 'number' ? payload.exp * 1000 : Number.POSITIVE_INFINITY;
  return { actor: sessionActor(session), until: Math.min(session.expiresAt.getTime(), jwtEnds) };
}

/** Who a session or API token belongs to now; null once it is revoked or expired, or its user is disabled. */
export async function reloadActor(db: Db, who: { userId: string; sessionId?: string | null; tokenId?: string | null }): Promise<Actor | null> {
  const now = new Date();
  if (who.tokenId) {
    const row = await db.apiToken.findUnique({ where: { id: who.tokenId }, include: withMembers });
    return row && row.userId === who.userId && tokenUsable(row, now) ? tokenActor(row) : null;
  }
  if (who.sessionId) {
    const row = await db.session.findUnique({ where: { id: who.sessionId }, include: withMembers });
    return row && row.userId === who.userId && sessionUsable(row, now) ? sessionActor(row) : null;
  }
  return null;
}

/**
 * Consumes a ticket from `POST /api/ws-ticket`: one DELETE, so of two handshakes with the same ticket (on any API
 * instance) exactly one gets the row. The ticket stands for the session or token it was issued from, checked again.
 */
async function fromTicket(app: FastifyInstance, ticket: string): Promise<Actor> {
  const [row] = await app.db.$queryRaw<{ userId: string; sessionId: string | null; tokenId: string | null }[]>`
    DELETE FROM ws_tickets
     WHERE id = ${hashToken(ticket)} AND expires_at > now()
    RETURNING user_id::text AS "userId", session_id::text AS "sessionId", token_id::text AS "tokenId"`;
  const actor = row ? await reloadActor(app.db, row) : null;
  if (!actor) throw new Unauthorized('Invalid, used or expired WebSocket ticket');
  return actor;
}

/**
 * Resolves the caller from `Authorization: Bearer` (a session JWT or an `rpt_` API token), or on a WebSocket
 * handshake from `?ticket=` or a `bearer.<token>` subprotocol; null when there is none.
 */
export async function authenticate(app: FastifyInstance, request: FastifyRequest): Promise<Actor | null> {
  const found = credential(request);
  if (found === null) return null;
  if (found.kind === 'ticket') return fromTicket(app, found.ticket);
  const { token } = found;
  return app.principals.resolve(hashToken(token), () => (token.startsWith(API_TOKEN_PREFIX) ? fromApiToken(app, token) : fromSession(app, token)));
}
