import type { Db } from '../shared/db.js';

export const NOTIFICATION_RETENTION_DAYS = 30;
const DAY_MS = 86_400_000;

/**
 * Deletes notifications older than the retention period with their deliveries, except one still on its way (pending
 * or sending): a channel down for long keeps its queue.
 */
export async function purgeOldNotifications({ db }: { db: Db }, now = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - NOTIFICATION_RETENTION_DAYS * DAY_MS);
  const { count } = await db.notificationEvent.deleteMany({
    where: { createdAt: { lt: cutoff }, expandedAt: { not: null }, deliveries: { none: { state: { in: ['pending', 'sending'] } } } },
  });
  return count;
}
