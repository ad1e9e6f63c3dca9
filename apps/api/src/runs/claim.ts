import { ACTIVE_STATES } from '@rp/contract/release-states';
import type { Db } from '../shared/db.js';
import { transition } from '../releases/state-machine.js';

/** One advisory-lock key for claiming: claims are rare and short, and a global view is what makes them correct. */
const CLAIM_LOCK = 0x52_50_43_4c; // "RPCL"

/**
 * Claims the oldest queued release that may run now: none of its environment's releases is running, and none of
 * its (server, deploy path) pairs is in use by a running release of another environment. Claims are serialised by
 * a transaction-scoped advisory lock, because "is anything else running here?" needs one consistent answer across
 * workers (row locks with SKIP LOCKED alone would let two workers start two releases of one environment).
 * FIFO holds per environment and per host path: a release waiting behind a busy one blocks later overlapping ones.
 */
export async function claimNext({ db }: { db: Db }, { workerId }: { workerId: string }): Promise<string | null> {
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${CLAIM_LOCK})`;
    const busy = await tx.release.findMany({
      where: { state: { in: [...ACTIVE_STATES] } },
      select: { environmentId: true, environment: { select: { deployPath: true } }, targets: { select: { serverId: true } } },
    });
    const blockedEnvs = new Set(busy.map((r) => r.environmentId));
    const blockedPaths = new Set(busy.flatMap((r) => r.targets.map((t) => `${t.serverId}:${r.environment.deployPath}`)));

    const queued = await tx.release.findMany({
      where: { state: 'queued', OR: [{ scheduledAt: null }, { scheduledAt: { lte: new Date() } }] },
      orderBy: [{ queuedAt: 'asc' }, { createdAt: 'asc' }],
      take: 200,
      select: { id: true, environmentId: true, environment: { select: { deployPath: true } }, targets: { select: { serverId: true } } },
    });
    for (const candidate of queued) {
      const paths = candidate.targets.map((t) => `${t.serverId}:${candidate.environment.deployPath}`);
      if (blockedEnvs.has(candidate.environmentId) || paths.some((p) => blockedPaths.has(p))) {
        blockedEnvs.add(candidate.environmentId);
        for (const p of paths) blockedPaths.add(p);
        continue;
      }
      const now = new Date();
      await transition(tx, { id: candidate.id, action: 'claim', data: { workerId, heartbeatAt: now, startedAt: now, abortRequestedAt: null } });
      return candidate.id;
    }
    return null;
  });
}
