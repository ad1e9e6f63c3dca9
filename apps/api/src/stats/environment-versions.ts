import type { EnvironmentVersions } from '@rp/contract/stats';
import type { Actor } from '../plugins/app/auth/actor.js';
import type { Db } from '../shared/db.js';

const LIMIT = 200;

interface Row {
  projectId: string;
  projectName: string;
  environmentId: string;
  environmentName: string;
  releaseId: string | null;
  number: number | null;
  ref: string | null;
  commit: string | null;
  at: Date | null;
  total: number;
}

/**
 * What every environment the actor can see runs now, as the releases say: the last one that succeeded there, a
 * rollback standing for the release it went back to (as `currentReleaseOf` in releases/create.ts). One query.
 */
export async function environmentVersions({ db, actor }: { db: Db; actor: Actor }): Promise<EnvironmentVersions> {
  const groups = [...actor.roles.keys()];
  const rows = await db.$queryRaw<Row[]>`
    SELECT p.id AS "projectId", p.name AS "projectName", e.id AS "environmentId", e.name AS "environmentName",
           cur.id AS "releaseId", cur.number, cur.ref, cur.commit, last.finished_at AS at,
           count(*) OVER ()::int AS total
      FROM environments e
      JOIN projects p ON p.id = e.project_id
      LEFT JOIN LATERAL (
        SELECT r.id, r.kind, r.rollback_to_id, r.finished_at FROM releases r
         WHERE r.environment_id = e.id AND r.state = 'succeeded'
         ORDER BY r.finished_at DESC NULLS LAST LIMIT 1
      ) last ON true
      LEFT JOIN releases cur ON cur.id = CASE WHEN last.kind = 'rollback' THEN last.rollback_to_id ELSE last.id END
     WHERE e.archived_at IS NULL AND p.archived_at IS NULL
       AND (${actor.isAdmin} OR p.group_id = ANY(${groups}::uuid[]))
     ORDER BY p.name, e.name
     LIMIT ${LIMIT}`;
  return {
    total: rows[0]?.total ?? 0,
    items: rows.map((r) => ({
      projectId: r.projectId,
      projectName: r.projectName,
      environmentId: r.environmentId,
      environmentName: r.environmentName,
      current: r.releaseId && r.ref && r.commit && r.at ? { releaseId: r.releaseId, number: r.number, ref: r.ref, commit: r.commit, at: r.at.toISOString() } : null,
    })),
  };
}
