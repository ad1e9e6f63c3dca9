import { randomUUID } from 'node:crypto';
import type { ReceiverAnswer } from '@rp/contract/webhooks';
import { Prisma, type ProjectWebhook } from '../generated/prisma/client.js';
import { autoReleaseOf } from '../environments/auto-release.js';
import { whoIs } from '../environments/policy.js';
import type { Actor, RequestContext } from '../plugins/app/auth/actor.js';
import { cancelSupersededIn } from '../releases/actions.js';
import { createPushedRelease } from '../releases/create.js';
import type { Db, DbTx } from '../shared/db.js';
import { DomainError } from '../shared/errors.js';
import { judge } from './auto-release-rules.js';
import type { Reading } from './readers/reading.js';

/** Longest branch or tag name a release records. */
const REF_LIMIT = 255;
const TRIGGER_WORDS = { push: 'push to', tag_push: 'tag push of', pipeline: 'pipeline succeeded on' } as const;

/** Who a delivery's releases act as: the owner who added the hook, or the owner who pressed "replay". */
export interface Releaser {
  actor: Actor | null;
  ctx: RequestContext;
}

/** The hook's creator as an actor with the rights they hold now (none once disabled); null when the user is gone. */
export async function hookOwner(db: DbTx, hook: ProjectWebhook, groupId: string, request: Pick<RequestContext, 'ip' | 'userAgent'>): Promise<Releaser> {
  const user = hook.createdById ? await db.user.findUnique({ where: { id: hook.createdById }, include: { memberships: true } }) : null;
  if (!user) return { actor: null, ctx: { actorId: null, actorName: 'webhook', ...request } };
  return { actor: whoIs(user, groupId).actor, ctx: { actorId: user.id, actorName: `${user.username} (webhook)`, ...request } };
}

interface Decision {
  outcome: 'released' | 'ignored' | 'refused';
  reason: string;
  releaseIds: string[];
}

/**
 * Every environment of the project with auto-release on, judged against the reading; a matching one gets a release
 * of the pushed commit (after cancelling older waiting auto-releases when it supersedes), one that matches but is
 * refused (rights, ref rule, windows, no servers) says why.
 */
async function decide(tx: DbTx, { projectId, reading, releaser, deliveryId, deliveryName }: { projectId: string; reading: Reading; releaser: Releaser; deliveryId: string; deliveryName: string }): Promise<Decision> {
  if (reading.ignored) return { outcome: 'ignored', reason: reading.ignored, releaseIds: [] };
  if ((reading.ref?.length ?? 0) > REF_LIMIT) return { outcome: 'ignored', reason: `the ref name is longer than ${REF_LIMIT} characters`, releaseIds: [] };
  const environments = await tx.environment.findMany({ where: { projectId, archivedAt: null }, orderBy: { name: 'asc' } });
  const ruled = environments.map((e) => ({ environment: e, rule: autoReleaseOf(e.autoRelease) })).filter((e) => e.rule.enabled);
  if (ruled.length === 0) return { outcome: 'ignored', reason: 'no environment of the project has auto-release on', releaseIds: [] };
  const lines: string[] = [];
  const releaseIds: string[] = [];
  let refused = false;
  for (const { environment, rule } of ruled) {
    const verdict = judge(rule, reading);
    if (!verdict.release) {
      lines.push(`${environment.name}: ${verdict.why}`);
      continue;
    }
    if (!releaser.actor) {
      refused = true;
      lines.push(`${environment.name}: matched ${verdict.matched}, but the owner who added the webhook is gone; remove the webhook and add it again`);
      continue;
    }
    try {
      const release = await createPushedRelease(tx, { actor: releaser.actor, ctx: releaser.ctx }, environment.id, {
        ref: reading.ref ?? '',
        refKind: reading.refKind ?? 'branch',
        commit: reading.commit ?? '',
        description: `Auto-release: ${reading.trigger ? TRIGGER_WORDS[reading.trigger] : ''} ${reading.ref} by ${reading.pusher ?? 'unknown'} (${deliveryName})`,
        deliveryId,
      });
      // Only a release actually made supersedes: a refused one leaves the waiting ones as they are.
      const superseded = rule.onNewer === 'supersede' ? await cancelSupersededIn(tx, releaser.ctx, { environmentId: environment.id, by: release }) : [];
      releaseIds.push(release.id);
      lines.push(`${environment.name}: matched ${verdict.matched}; release created${superseded.length ? `, superseding ${superseded.length} waiting` : ''}`);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      refused = true;
      lines.push(`${environment.name}: matched ${verdict.matched}, but refused: ${error.message}`);
    }
  }
  const outcome = releaseIds.length ? 'released' : refused ? 'refused' : 'ignored';
  return { outcome, reason: lines.join('; ').slice(0, 2000), releaseIds };
}

export interface Delivery {
  hook: ProjectWebhook;
  projectId: string;
  reading: Reading;
  /** The sender's delivery id: a redelivery carries the same one and is answered "duplicate". */
  deliveryUuid: string | null;
  releaser: Releaser;
  replay?: { ofId: string; by: string };
}

/**
 * Records a delivery and whatever it releases, all in one transaction: a delivery is never stored without its
 * releases, nor a release without its delivery. Deliveries to one project are taken one at a time (an advisory
 * lock), so two pushes in quick succession queue in the order they arrived and a superseding one sees the other.
 */
export async function deliver(db: Db, { hook, projectId, reading, deliveryUuid, releaser, replay }: Delivery): Promise<{ answer: ReceiverAnswer; deliveryId: string }> {
  const id = randomUUID();
  const deliveryName = replay ? `replay of delivery ${replay.ofId} by ${replay.by}` : `delivery ${deliveryUuid ?? id}`;
  try {
    return await db.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`webhook-delivery:${projectId}`}))`;
      await tx.webhookDelivery.create({
        data: {
          id,
          webhookId: hook.id,
          event: reading.event.slice(0, 100),
          deliveryUuid: deliveryUuid?.slice(0, 100) ?? null,
          // A delivery that asks for nothing (a deleted ref, a failed pipeline) keeps no trigger, so a replay asks for nothing either.
          trigger: reading.ignored ? null : reading.trigger,
          ref: reading.ref,
          refKind: reading.refKind,
          commit: reading.commit,
          message: reading.message,
          pusher: reading.pusher,
          outcome: 'ignored',
          reason: '',
          replayOfId: replay?.ofId ?? null,
          replayedBy: replay?.by ?? null,
        },
      });
      const decision = await decide(tx, { projectId, reading, releaser, deliveryId: id, deliveryName });
      await tx.webhookDelivery.update({ where: { id }, data: { outcome: decision.outcome, reason: decision.reason } });
      return { answer: decision, deliveryId: id };
    });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') return { answer: { outcome: 'duplicate', reason: 'this delivery was received before', releaseIds: [] }, deliveryId: id };
    throw error;
  }
}
