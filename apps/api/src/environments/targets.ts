import type { DbTx } from '../shared/db.js';

/** The labels a selector asks for: `role=web,zone=a` → every one must be among a server's labels. */
export const selectorLabels = (selector: string | null): string[] => (selector ? selector.split(',').filter(Boolean) : []);

/**
 * The servers an environment targets now: the listed ones, and the servers of the project's group carrying every
 * label of its selector (never build agents). Releases resolve it when they are created and record the hosts, so a
 * label changed later moves the next release, not one already made.
 */
export async function environmentServerIds(db: DbTx, environment: { serverSelector: string | null; servers: { serverId: string }[]; groupId: string }): Promise<string[]> {
  const listed = environment.servers.map((s) => s.serverId);
  const labels = selectorLabels(environment.serverSelector);
  if (labels.length === 0) return listed;
  const selected = await db.server.findMany({
    where: { groupId: environment.groupId, buildAgent: false, labels: { hasEvery: labels } },
    select: { id: true },
    orderBy: { name: 'asc' },
  });
  return [...new Set([...listed, ...selected.map((s) => s.id)])];
}
