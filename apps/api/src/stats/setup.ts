import type { SetupProgress } from '@rp/contract/stats';
import { Prisma } from '../generated/prisma/client.js';
import type { Actor } from '../plugins/app/auth/actor.js';
import type { Db } from '../shared/db.js';

/**
 * How many of each thing a first release needs exist, in the groups the actor can see (administrators: all), archived
 * ones left out. Global credentials (no group) count for everyone, as every group may use them.
 */
export async function setupProgress({ db, actor }: { db: Db; actor: Actor }): Promise<SetupProgress> {
  const groups = [...actor.roles.keys()];
  const seen = (column: string) => Prisma.sql`(${actor.isAdmin} OR ${Prisma.raw(column)} = ANY(${groups}::uuid[]))`;
  const [row] = await db.$queryRaw<SetupProgress[]>`
    SELECT (SELECT count(*)::int FROM groups g WHERE g.archived_at IS NULL AND ${seen('g.id')}) AS groups,
           (SELECT count(*)::int FROM credentials c WHERE c.group_id IS NULL OR ${seen('c.group_id')}) AS credentials,
           (SELECT count(*)::int FROM servers s WHERE ${seen('s.group_id')}) AS servers,
           (SELECT count(*)::int FROM projects p WHERE p.archived_at IS NULL AND ${seen('p.group_id')}) AS projects,
           (SELECT count(*)::int FROM environments e JOIN projects p ON p.id = e.project_id
             WHERE e.archived_at IS NULL AND p.archived_at IS NULL AND ${seen('p.group_id')}) AS environments,
           (SELECT count(*)::int FROM releases r JOIN projects p ON p.id = r.project_id WHERE ${seen('p.group_id')}) AS releases`;
  return row as SetupProgress;
}
