import type { DeliveryView } from '@rp/contract/webhooks';
import type { Prisma } from '../generated/prisma/client.js';
import type { Actor, RequestContext } from '../plugins/app/auth/actor.js';
import type { Db } from '../shared/db.js';
import { NotFound } from '../shared/errors.js';
import { pageArgs } from '../shared/pagination.js';
import { deliver } from './deliver.js';
import type { Reading, Trigger } from './readers/reading.js';

const DAY_MS = 86_400_000;
/** How long deliveries are kept. */
export const DELIVERY_RETENTION_DAYS = 30;

const withReleases = { releases: { select: { id: true, environmentId: true, state: true, environment: { select: { name: true } } }, orderBy: { createdAt: 'asc' } } } as const;
type DeliveryRow = Prisma.WebhookDeliveryGetPayload<{ include: typeof withReleases }>;

const OUTCOMES = new Set(['released', 'ignored', 'refused']);
/** A stored outcome as the API names it; a value this code never writes reads as ignored. */
export const outcomeOf = (outcome: string) => (OUTCOMES.has(outcome) ? (outcome as DeliveryView['outcome']) : 'ignored');
const TRIGGERS = new Set(['push', 'tag_push', 'pipeline']);
const triggerOf = (row: { trigger: string | null }) => (TRIGGERS.has(row.trigger ?? '') ? (row.trigger as Trigger) : null);
const refKindOf = (row: { refKind: string | null }) => (row.refKind === 'branch' || row.refKind === 'tag' ? row.refKind : null);

function view(row: DeliveryRow): DeliveryView {
  return {
    id: row.id,
    receivedAt: row.receivedAt.toISOString(),
    event: row.event,
    deliveryUuid: row.deliveryUuid,
    trigger: triggerOf(row),
    ref: row.ref,
    refKind: refKindOf(row),
    commit: row.commit,
    message: row.message,
    pusher: row.pusher,
    outcome: outcomeOf(row.outcome),
    reason: row.reason,
    releases: row.releases.map((r) => ({ id: r.id, environmentId: r.environmentId, environmentName: r.environment.name, state: r.state })),
    replayOfId: row.replayOfId,
    replayedBy: row.replayedBy,
  };
}

async function hookOf(db: Db, projectId: string) {
  const hook = await db.projectWebhook.findUnique({ where: { projectId } });
  if (!hook) throw new NotFound('Webhook');
  return hook;
}

/** A project's webhook deliveries, newest first, with the releases each created. */
export async function listDeliveries({ db }: { db: Db }, { projectId, page, pageSize }: { projectId: string; page: number; pageSize: number }) {
  const hook = await hookOf(db, projectId);
  const where = { webhookId: hook.id };
  const [rows, total] = await Promise.all([
    db.webhookDelivery.findMany({ where, include: withReleases, orderBy: [{ receivedAt: 'desc' }, { id: 'desc' }], ...pageArgs(page, pageSize) }),
    db.webhookDelivery.count({ where }),
  ]);
  return { items: rows.map(view), total, page, pageSize };
}

/**
 * Runs a recorded delivery through today's rules again, as the owner who asks (a release it creates is theirs), and
 * records that as a new delivery naming the one replayed. What the delivery asked for is what was stored of it: a
 * delivery that asked for nothing (a deleted branch, a failed pipeline) asks for nothing again.
 */
export async function replayDelivery({ db, actor, ctx }: { db: Db; actor: Actor; ctx: RequestContext }, { projectId, deliveryId }: { projectId: string; deliveryId: string }): Promise<DeliveryView> {
  const hook = await hookOf(db, projectId);
  const row = await db.webhookDelivery.findFirst({ where: { id: deliveryId, webhookId: hook.id } });
  if (!row) throw new NotFound('Delivery');
  const trigger = triggerOf(row);
  const refKind = refKindOf(row);
  const asksForNothing = !trigger || !row.ref || !refKind || !row.commit;
  const reading: Reading = {
    event: row.event,
    trigger,
    ref: row.ref,
    refKind,
    commit: row.commit,
    message: row.message,
    pusher: row.pusher,
    ignored: asksForNothing ? `replay of a delivery that asked for no release (${row.reason || 'ignored'})`.slice(0, 2000) : null,
  };
  const { deliveryId: id } = await deliver(db, { hook, projectId, reading, deliveryUuid: null, releaser: { actor, ctx }, replay: { ofId: row.replayOfId ?? row.id, by: actor.username } });
  const created = await db.webhookDelivery.findUniqueOrThrow({ where: { id }, include: withReleases });
  return view(created);
}

/** Drops deliveries older than the retention period; every worker may run it. */
export async function purgeOldDeliveries({ db }: { db: Db }, now = new Date()): Promise<number> {
  return (await db.webhookDelivery.deleteMany({ where: { receivedAt: { lt: new Date(now.getTime() - DELIVERY_RETENTION_DAYS * DAY_MS) } } })).count;
}
