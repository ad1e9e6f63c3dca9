import { randomBytes } from 'node:crypto';
import type { FireTriggerBody } from '@rp/contract/releases';
import { recordAudit } from '../audit/service.js';
import type { Actor } from '../plugins/app/auth/actor.js';
import { hashToken } from '../plugins/app/auth/authenticate.js';
import { hasGroupRole } from '../plugins/app/auth/permissions.js';
import { Forbidden, NotFound, Unauthorized } from '../shared/errors.js';
import { createRelease } from './create.js';
import type { ReleaseDeps } from './deps.js';

const TRIGGER_PREFIX = 'trg_';

const view = (row: { prefix: string; defaultRef: string; createdAt: Date; lastUsedAt: Date | null; createdBy: { username: string } }) => ({
  prefix: row.prefix,
  defaultRef: row.defaultRef,
  createdBy: row.createdBy.username,
  createdAt: row.createdAt.toISOString(),
  lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
});

export async function getTrigger({ db }: Pick<ReleaseDeps, 'db'>, { environmentId }: { environmentId: string }) {
  if (!(await db.environment.findUnique({ where: { id: environmentId }, select: { id: true } }))) throw new NotFound('Environment');
  const row = await db.triggerToken.findUnique({ where: { environmentId }, include: { createdBy: { select: { username: true } } } });
  return { trigger: row ? view(row) : null };
}

/** Issues (or replaces) the environment's trigger token; the token itself is returned this once only. */
export async function issueTrigger({ db, actor, ctx }: Pick<ReleaseDeps, 'db' | 'actor' | 'ctx'>, { environmentId, defaultRef }: { environmentId: string; defaultRef: string }) {
  if (!(await db.environment.findUnique({ where: { id: environmentId } }))) throw new NotFound('Environment');
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

export async function revokeTrigger({ db, ctx }: Pick<ReleaseDeps, 'db' | 'ctx'>, { environmentId }: { environmentId: string }) {
  await db.$transaction(async (tx) => {
    const deleted = await tx.triggerToken.deleteMany({ where: { environmentId } });
    if (deleted.count === 0) throw new NotFound('Trigger token');
    await recordAudit(tx, ctx, { action: 'trigger.revoke', resourceType: 'environment', resourceId: environmentId });
  });
}

/**
 * Creates a release from a trigger token, as the token's creator: if that person has since lost the developer
 * role in the project's group (or was disabled), the token stops working with them.
 */
export async function fireTrigger({ db, secrets, ctx }: Pick<ReleaseDeps, 'db' | 'secrets' | 'ctx'>, { token, ref, description }: { token: string } & FireTriggerBody) {
  const row = token.startsWith(TRIGGER_PREFIX)
    ? await db.triggerToken.findUnique({
        where: { tokenHash: hashToken(token) },
        include: { environment: { include: { project: { select: { groupId: true } } } }, createdBy: { include: { memberships: true } } },
      })
    : null;
  if (!row) throw new Unauthorized('Unknown or revoked trigger token');
  const user = row.createdBy;
  const actor: Actor = {
    userId: user.id,
    username: user.username,
    isAdmin: user.isAdmin,
    roles: new Map(user.memberships.map((m) => [m.groupId, m.role])),
    via: 'token',
  };
  if (user.disabled || !hasGroupRole(actor, row.environment.project.groupId, 'developer')) {
    throw new Forbidden(`The token's owner ${user.username} may no longer release to this environment`);
  }
  await db.triggerToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date() } });
  return createRelease(
    { db, secrets, actor, ctx: { ...ctx, actorId: user.id, actorName: `${user.username} (trigger)` } },
    { environmentId: row.environmentId, ref: ref ?? row.defaultRef, description: description ?? `triggered by token ${row.prefix}…` },
  );
}
