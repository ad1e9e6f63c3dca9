import type { DbTx } from '../shared/db.js';

/**
 * Where each server keeps the version of release `to` (server id → the release id its directory is named after):
 * its own directory on the servers it succeeded on, and on servers added to the environment later, the directory
 * of the scale-out that shipped them the same commit. Rolling the environment back to `to` switches all of them.
 */
export async function keptVersions(
  db: DbTx,
  to: { id: string; environmentId: string; commit: string; targets: { serverId: string; state: string }[] },
): Promise<Map<string, string>> {
  const kept = new Map(to.targets.filter((t) => t.state === 'succeeded').map((t) => [t.serverId, to.id]));
  const scaledOut = await db.releaseTarget.findMany({
    where: { state: 'succeeded', release: { environmentId: to.environmentId, kind: 'scale_out', commit: to.commit } },
    select: { serverId: true, releaseId: true },
    // The latest wins: a server scaled in and out again keeps the newer directory longer.
    orderBy: { finishedAt: 'asc' },
  });
  for (const t of scaledOut) if (kept.get(t.serverId) !== to.id) kept.set(t.serverId, t.releaseId);
  return kept;
}
