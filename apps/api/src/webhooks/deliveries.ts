import type { Db } from '../shared/db.js';
import { NotFound } from '../shared/errors.js';
import { pageArgs } from '../shared/pagination.js';

const DAY_MS = 86_400_000;
/** How long deliveries are kept. */
export const DELIVERY_RETENTION_DAYS = 30;

/** A project's webhook deliveries, newest first. */
export async function listDeliveries({ db }: { db: Db }, { projectId, page, pageSize }: { projectId: string; page: number; pageSize: number }) {
  const hook = await db.projectWebhook.findUnique({ where: { projectId } });
  if (!hook) throw new NotFound('Webhook');
  const where = { webhookId: hook.id };
  const [rows, total] = await Promise.all([db.webhookDelivery.findMany({ where, orderBy: [{ receivedAt: 'desc' }, { id: 'desc' }], ...pageArgs(page, pageSize) }), db.webhookDelivery.count({ where })]);
  const outcome = (value: string) => (value === 'ignored' ? ('ignored' as const) : ('recorded' as const));
  return {
    items: rows.map((r) => ({ id: r.id, receivedAt: r.receivedAt.toISOString(), event: r.event, deliveryUuid: r.deliveryUuid, ref: r.ref, commit: r.commit, pusher: r.pusher, outcome: outcome(r.outcome), reason: r.reason })),
    total,
    page,
    pageSize,
  };
}

/** Drops deliveries older than the retention period; every worker may run it. */
export async function purgeOldDeliveries({ db }: { db: Db }, now = new Date()): Promise<number> {
  return (await db.webhookDelivery.deleteMany({ where: { receivedAt: { lt: new Date(now.getTime() - DELIVERY_RETENTION_DAYS * DAY_MS) } } })).count;
}
