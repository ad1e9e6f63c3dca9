import { ACTIVE_STATES } from '@rp/contract/release-states';
import { notifyStateChanged } from '../channels.js';
import { tryTransition } from '../releases/state-machine.js';
import type { Db } from '../shared/db.js';

/**
 * Marks releases whose worker went silent as interrupted. Targets caught mid-flight become `interrupted`; the
 * ones that finished keep their state, so "retry" redeploys exactly what is not done.
 */
export async function reapStaleRuns(
  { db, log }: { db: Db; log: { warn(msg: string): void } },
  { workerId, staleAfterMs }: { workerId: string; staleAfterMs: number },
): Promise<void> {
  const cutoff = new Date(Date.now() - staleAfterMs);
  const silent = { OR: [{ heartbeatAt: { lt: cutoff } }, { heartbeatAt: null }] };
  const stale = await db.release.findMany({
    where: { state: { in: [...ACTIVE_STATES] }, ...silent, NOT: { workerId } },
    select: { id: true, workerId: true },
  });
  for (const release of stale) {
    const interrupted = await db.$transaction(async (tx) => {
      // Still silent and still that worker's: a heartbeat or another reaper since the read above wins the race.
      const moved = await tryTransition(tx, {
        id: release.id,
        action: 'interrupt',
        where: { workerId: release.workerId, ...silent },
        data: { finishedAt: new Date(), error: `worker ${release.workerId ?? 'unknown'} stopped responding` },
      });
      if (!moved) return false;
      await tx.releaseTarget.updateMany({ where: { releaseId: release.id, state: 'running' }, data: { state: 'interrupted' } });
      await notifyStateChanged(tx, release.id);
      return true;
    });
    if (interrupted) log.warn(`release ${release.id} interrupted: worker ${release.workerId ?? 'unknown'} stopped heartbeating`);
  }
}
