import type { FireTriggerBody } from '@rp/contract/releases';
import { TRIGGER_PREFIX } from '../environments/trigger-tokens.js';
import type { Actor } from '../plugins/app/auth/actor.js';
import { hashToken } from '../plugins/app/auth/authenticate.js';
import { policyOf, releaserRefusal, whoIs } from '../environments/policy.js';
import { Forbidden, Unauthorized } from '../shared/errors.js';
import { createRelease } from './create.js';
import type { ReleaseDeps } from './deps.js';

/**
 * Creates a release from a trigger token, as the token's creator: if that person may no longer release to the
 * environment (lost the role, was disabled, or the environment's policy now leaves them out), the token stops
 * working with them. The ref is checked against the environment's ref rule by `createRelease`, like any other.
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
  const refusal = releaserRefusal({ name: row.environment.name, policy: policyOf(row.environment.policy) }, whoIs(user, row.environment.project.groupId));
  if (refusal) throw new Forbidden(`The token's owner ${user.username} may no longer release to this environment: ${refusal}`, { rule: 'releasers' });
  await db.triggerToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date() } });
  return createRelease(
    { db, secrets, actor, ctx: { ...ctx, actorId: user.id, actorName: `${user.username} (trigger)` } },
    { environmentId: row.environmentId, ref: ref ?? row.defaultRef, description: description ?? `triggered by token ${row.prefix}…` },
    'trigger',
  );
}
