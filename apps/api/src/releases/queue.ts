import type { MoveBody } from '@rp/contract/releases';
import { recordAudit } from '../audit/service.js';
import { notifyQueued, notifyStateChanged } from '../channels.js';
import type { DbTx } from '../shared/db.js';
import { Conflict, Invalid, NotFound } from '../shared/errors.js';
import type { ReleaseDeps } from './deps.js';
import { getRelease } from './views.js';

/**
 * Tells viewers a release changed and, when it is now queued, wakes the workers; the caller is in a transaction, so
 * the NOTIFY only fires if it commits.
 */
export async function announce(tx: DbTx, release: { id: string; state: string }): Promise<void> {
  await notifyStateChanged(tx, release.id);
  if (release.state === 'queued') await notifyQueued(tx, release.id);
}

/**
 * Reorders the queue of one environment. Claims take queued releases by `queuedAt`, so moving is giving the release
 * a queue time just before the one it should precede (or just after the last one, for the end of the queue).
 */
export async function moveInQueue({ db, ctx }: Pick<ReleaseDeps, 'db' | 'ctx'>, { id, before }: { id: string } & MoveBody) {
  return db.$transaction(async (tx) => {
    const release = await tx.release.findUnique({ where: { id } });
    if (!release) throw new NotFound('Release');
    if (release.state !== 'queued') throw new Conflict(`Only a queued release can be moved; this one is ${release.state}`, { state: release.state });
    const last = await tx.release.findFirst({ where: { environmentId: release.environmentId, state: 'queued', id: { not: id } }, orderBy: { queuedAt: 'desc' } });
    let queuedAt = new Date(Math.max(Date.now(), (last?.queuedAt?.getTime() ?? 0) + 1));
    if (before) {
      const anchor = await tx.release.findUnique({ where: { id: before } });
      if (!anchor || anchor.state !== 'queued' || anchor.environmentId !== release.environmentId || !anchor.queuedAt) {
        throw new Invalid('before', 'must be another queued release of the same environment');
      }
      queuedAt = new Date(anchor.queuedAt.getTime() - 1);
    }
    const moved = await tx.release.updateMany({ where: { id, state: 'queued' }, data: { queuedAt } });
    if (moved.count === 0) throw new Conflict('The release left the queue meanwhile');
    await recordAudit(tx, ctx, { action: 'release.move', resourceType: 'release', resourceId: id, details: { before: before ?? null } });
    // Already queued: workers gain nothing from a wake-up, only viewers need to hear of the new order.
    await notifyStateChanged(tx, id);
    return getRelease({ db: tx }, { id });
  });
}
