import { NOTIFICATION_RETENTION_DAYS, purgeOldNotifications } from '../notifications/retention.js';
import type { Db } from '../shared/db.js';
import { DELIVERY_RETENTION_DAYS, purgeOldDeliveries } from '../webhooks/deliveries.js';

const DAY_MS = 86_400_000;
/** Deleted in slices so a large backlog never holds one long transaction over the hot table. */
const SLICE = 50_000;

/**
 * Deletes log lines older than the retention period. Stage and state events stay: they are small, and progress
 * estimates and history read them. Idempotent, so every worker may run it.
 */
export async function purgeOldLogs({ db }: { db: Db }, { retentionDays, now = new Date() }: { retentionDays: number; now?: Date }): Promise<number> {
  const cutoff = new Date(now.getTime() - retentionDays * DAY_MS);
  let total = 0;
  for (;;) {
    const deleted = await db.$executeRaw`
      DELETE FROM release_events WHERE ctid IN (
        SELECT ctid FROM release_events WHERE type = 'log' AND at < ${cutoff} LIMIT ${SLICE})`;
    total += deleted;
    if (deleted < SLICE) return total;
  }
}

/** Runs the purges (release log lines, webhook deliveries, notifications) at start and then daily. */
export function scheduleRetention({ db, log }: { db: Db; log: { info(msg: string): void; warn(msg: string): void } }, { retentionDays }: { retentionDays: number }): () => void {
  const run = () =>
    Promise.all([
      purgeOldLogs({ db }, { retentionDays })
        .then((n) => n > 0 && log.info(`purged ${n} log lines older than ${retentionDays} days`))
        .catch((error: Error) => log.warn(`log retention failed: ${error.message}`)),
      purgeOldDeliveries({ db })
        .then((n) => n > 0 && log.info(`purged ${n} webhook deliveries older than ${DELIVERY_RETENTION_DAYS} days`))
        .catch((error: Error) => log.warn(`webhook delivery retention failed: ${error.message}`)),
      purgeOldNotifications({ db })
        .then((n) => n > 0 && log.info(`purged ${n} notifications older than ${NOTIFICATION_RETENTION_DAYS} days`))
        .catch((error: Error) => log.warn(`notification retention failed: ${error.message}`)),
    ]);
  void run();
  const timer = setInterval(run, DAY_MS);
  timer.unref();
  return () => clearInterval(timer);
}
