import { randomBytes } from 'node:crypto';
import { assertWritable } from '../archive/service.js';
import { recordAudit } from '../audit/service.js';
import type { Actor, RequestContext } from '../plugins/app/auth/actor.js';
import { hashToken } from '../plugins/app/auth/authenticate.js';
import type { Db } from '../shared/db.js';
import { NotFound } from '../shared/errors.js';
import { enforce, policyOf, refRefusal } from './policy.js';

/** An environment's trigger token: whoever holds it may create releases there as the person who issued it. */
export const TRIGGER_PREFIX = 'trg_';

const view = (row: { prefix: string; defaultRef: string; createdAt: Date; lastUsedAt: Date | null; createdBy: { username: string } }) => ({
  prefix: row.prefix,
  defaultRef: row.defaultRef,
  createdBy: row.createdBy.username,
  createdAt: row.createdAt.toISOString(),
  lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
});

export async function getTrigger({ db }: { db: Db }, { environmentId }: { environmentId: string }) {
  if (!(await db.environment.findUnique({ where: { id: environmentId }, select: { id: true } }))) throw new NotFound('Environment');
  const row = await db.triggerToken.findUnique({ where: { environmentId }, include: { createdBy: { select: { username: true } } } });
  return { trigger: row ? view(row) : null };
}

/** Issues (or replaces) the environment's trigger token; the token itself is returned this once only. */
export async function issueTrigger({ db, actor, ctx }: { db: Db; actor: Actor; ctx: RequestContext }, { environmentId, defaultRef }: { environmentId: string; defaultRef: string }) {
  await assertWritable(db, 'environment', environmentId);
  const environment = await db.environment.findUnique({ where: { id: environmentId } });
  if (!environment) throw new NotFound('Environment');
  // A default ref the environment would refuse makes a token that can only fail; say so now.
  enforce(refRefusal({ name: environment.name, policy: policyOf(environment.policy) }, defaultRef, null), 'refPolicy');
  const token = TRIGGER_PREFIX + randomBytes(30).toString('base64url');
  return db.$transaction(async (tx) => {
    const data = { tokenHash: hashToken(token), prefix: token.slice(0, 10), defaultRef, createdById: actor.userId, createdAt: new Date(), lastUsedAt: null };
    const row = await tx.triggerToken.upsert({
      where: { environmentId },
      create: { environmentId, ...data },
      update: data,
      include: { createdBy: { select: { username: true } } },
    });
    await recordAudit(tx, ctx, { action: 'trigger.issue', resourceType: 'environment', resourceId: environmentId, details: { defaultRef } });
    return { token, trigger: view(row) };
  });
}

export async function revokeTrigger({ db, ctx }: { db: Db; ctx: RequestContext }, { environmentId }: { environmentId: string }) {
  await db.$transaction(async (tx) => {
    const deleted = await tx.triggerToken.deleteMany({ where: { environmentId } });
    if (deleted.count === 0) throw new NotFound('Trigger token');
    await recordAudit(tx, ctx, { action: 'trigger.revoke', resourceType: 'environment', resourceId: environmentId });
  });
}
