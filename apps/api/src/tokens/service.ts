import { randomBytes } from 'node:crypto';
import type { Static } from 'typebox';
import type { Prisma } from '../generated/prisma/client.js';
import { recordAudit } from '../audit/service.js';
import { notifyAccessChanged } from '../channels.js';
import type { Actor, RequestContext } from '../plugins/app/auth/actor.js';
import { API_TOKEN_PREFIX, hashToken } from '../plugins/app/auth/authenticate.js';
import type { Db } from '../shared/db.js';
import { Forbidden, NotFound } from '../shared/errors.js';
import { pageArgs } from '../shared/pagination.js';
import type { CreateTokenBody } from '@rp/contract/tokens';

type TokenRow = Prisma.ApiTokenGetPayload<{ include: { user: { select: { username: true } } } }>;

const iso = (date: Date | null) => date?.toISOString() ?? null;

const view = (row: TokenRow) => ({
  id: row.id,
  name: row.name,
  prefix: row.prefix,
  scope: row.scope,
  userId: row.userId,
  username: row.user.username,
  expiresAt: iso(row.expiresAt),
  lastUsedAt: iso(row.lastUsedAt),
  revokedAt: iso(row.revokedAt),
  createdAt: row.createdAt.toISOString(),
});

const withUser = { user: { select: { username: true } } } as const;

interface Deps {
  db: Db;
  actor: Actor;
}

export async function listTokens({ db, actor }: Deps, query: { page: number; pageSize: number; all?: boolean }) {
  if (query.all && !actor.isAdmin) throw new Forbidden('Only administrators can list every user\'s tokens');
  const where: Prisma.ApiTokenWhereInput = query.all ? {} : { userId: actor.userId };
  const [rows, total] = await Promise.all([
    db.apiToken.findMany({ where, include: withUser, orderBy: { createdAt: 'desc' }, ...pageArgs(query.page, query.pageSize) }),
    db.apiToken.count({ where }),
  ]);
  return { items: rows.map(view), total, page: query.page, pageSize: query.pageSize };
}

export async function createToken({ db, actor, ctx }: Deps & { ctx: RequestContext }, input: Static<typeof CreateTokenBody>) {
  const token = API_TOKEN_PREFIX + randomBytes(30).toString('base64url');
  const expiresAt = input.expiresInDays ? new Date(Date.now() + input.expiresInDays * 86_400_000) : null;
  return db.$transaction(async (tx) => {
    const row = await tx.apiToken.create({
      data: { userId: actor.userId, name: input.name, scope: input.scope, tokenHash: hashToken(token), prefix: token.slice(0, 10), expiresAt },
      include: withUser,
    });
    await recordAudit(tx, ctx, { action: 'token.create', resourceType: 'api_token', resourceId: row.id, details: { name: row.name, scope: row.scope } });
    return { token, apiToken: view(row) };
  });
}

/** Revoking keeps the row, so the audit trail and "last used" stay readable after the fact. */
export async function revokeToken({ db, actor, ctx }: Deps & { ctx: RequestContext }, { id }: { id: string }) {
  await db.$transaction(async (tx) => {
    const row = await tx.apiToken.findUnique({ where: { id } });
    if (!row || (row.userId !== actor.userId && !actor.isAdmin)) throw new NotFound('API token');
    if (!row.revokedAt) await tx.apiToken.update({ where: { id }, data: { revokedAt: new Date() } });
    await notifyAccessChanged(tx, row.userId);
    await recordAudit(tx, ctx, { action: 'token.revoke', resourceType: 'api_token', resourceId: id, details: { name: row.name, owner: row.userId } });
  });
}
