import { claimSync, runSync, type SyncDeps } from './sync.js';

const MINUTE_MS = 60_000;

/**
 * The worker's periodic incremental sync: each Git platform whose last sync is older than the interval, one after
 * another. claimSync keeps two workers (or a worker and a "sync" button) from syncing one platform at once.
 */
export function scheduleGitSync(deps: SyncDeps & { log: { warn(msg: string): void } }, { intervalMinutes }: { intervalMinutes: number }): () => void {
  if (intervalMinutes <= 0) return () => undefined;
  let busy = false;
  const tick = async () => {
    if (busy) return;
    busy = true;
    try {
      const due = new Date(Date.now() - intervalMinutes * MINUTE_MS);
      // Due by the last attempt, not the last success: a platform whose token was revoked is retried once an interval.
      const platforms = await deps.db.gitPlatform.findMany({ where: { OR: [{ syncTriedAt: null }, { syncTriedAt: { lt: due } }] }, select: { id: true, syncedAt: true } });
      for (const { id, syncedAt } of platforms) {
        // Never synced: a full sync, so the list is complete; after that, what changed.
        const mode = syncedAt ? 'incremental' : 'full';
        if (await claimSync(deps.db, id, mode)) await runSync(deps, id, mode);
      }
    } catch (error) {
      deps.log.warn(`periodic Git platform sync failed: ${(error as Error).message}`);
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void tick(), Math.min(MINUTE_MS, intervalMinutes * MINUTE_MS));
  timer.unref();
  void tick();
  return () => clearInterval(timer);
}
