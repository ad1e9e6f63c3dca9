import type { Prisma } from '../generated/prisma/client.js';
import type { EnvironmentOverview, VersionsOverviewPage, VersionsOverviewQuery } from '@rp/contract/versions-overview';
import { archivedFilter } from '../archive/service.js';
import type { Actor } from '../plugins/app/auth/actor.js';
import type { Db } from '../shared/db.js';
import { pageArgs } from '../shared/pagination.js';

interface CurrentRow {
  environmentId: string;
  releaseId: string;
  number: number | null;
  ref: string;
  commit: string;
  at: Date | null;
}

interface HostRow {
  environmentId: string;
  serverId: string;
  releaseId: string | null;
  number: number | null;
  ref: string | null;
  commit: string | null;
  switchedAt: Date | null;
}

/**
 * "What runs where" for one page of projects: every live environment's current release and what each of its hosts
 * runs, as recorded by the releases (the same reading as environments/versions.ts, without its SSH check). Five
 * queries per page whatever its size: projects, their count, environments with servers, current releases, hosts.
 */
export async function versionsOverview({ db, actor }: { db: Db; actor: Actor }, query: VersionsOverviewQuery): Promise<VersionsOverviewPage> {
  const where: Prisma.ProjectWhereInput = {
    AND: [
      actor.isAdmin ? {} : { groupId: { in: [...actor.roles.keys()] } },
      { id: query.projectId, groupId: query.groupId, name: query.q ? { contains: query.q, mode: 'insensitive' } : undefined },
      archivedFilter('project', undefined),
    ],
  };
  const [projects, total] = await Promise.all([
    db.project.findMany({
      where,
      select: { id: true, name: true, group: { select: { id: true, name: true } } },
      orderBy: [{ name: 'asc' }, { id: 'asc' }],
      ...pageArgs(query.page, query.pageSize),
    }),
    db.project.count({ where }),
  ]);
  const environments = projects.length
    ? await db.environment.findMany({
        where: { projectId: { in: projects.map((p) => p.id) }, ...archivedFilter('environment', undefined) },
        select: { id: true, projectId: true, name: true, servers: { select: { server: { select: { id: true, name: true, host: true } } } } },
        orderBy: [{ name: 'asc' }, { id: 'asc' }],
      })
    : [];
  const { current, hosts } = await recordedVersions(db, environments.map((e) => e.id));

  const view = (environment: (typeof environments)[number]): EnvironmentOverview => {
    const servers = environment.servers
      .map(({ server }) => {
        const row = hosts.get(`${environment.id}/${server.id}`);
        return {
          serverId: server.id,
          serverName: server.name,
          host: server.host,
          recorded:
            row?.releaseId && row.ref && row.commit
              ? { releaseId: row.releaseId, number: row.number, ref: row.ref, commit: row.commit, switchedAt: row.switchedAt?.toISOString() ?? null }
              : null,
        };
      })
      .sort((a, b) => a.serverName.localeCompare(b.serverName));
    const now = current.get(environment.id);
    return {
      id: environment.id,
      name: environment.name,
      current: now ? { id: now.releaseId, number: now.number, ref: now.ref, commit: now.commit, at: now.at?.toISOString() ?? null } : null,
      servers,
      mixed: new Set(servers.map((s) => s.recorded?.releaseId ?? null)).size > 1,
    };
  };
  return {
    items: projects.map((project) => ({ ...project, environments: environments.filter((e) => e.projectId === project.id).map(view) })),
    total,
    page: query.page,
    pageSize: query.pageSize,
  };
}

/**
 * Per environment, its last succeeded release (a rollback standing for the release it went back to); per host, the
 * last target that succeeded there: what its `current` was read back as, else the release (or the rollback's
 * target), switched at its own `switch` stage's end, else the target's end. DISTINCT ON picks the rows before the
 * switch events are looked up, so only one lookup per host.
 */
async function recordedVersions(db: Db, environmentIds: string[]) {
  if (environmentIds.length === 0) return { current: new Map<string, CurrentRow>(), hosts: new Map<string, HostRow>() };
  const [currentRows, hostRows] = await Promise.all([
    db.$queryRaw<CurrentRow[]>`
      SELECT last.environment_id AS "environmentId", cur.id AS "releaseId", cur.number, cur.ref, cur.commit, last.finished_at AS at
        FROM (
          SELECT DISTINCT ON (r.environment_id) r.environment_id, r.id, r.kind, r.rollback_to_id, r.finished_at
            FROM releases r
           WHERE r.environment_id = ANY(${environmentIds}::uuid[]) AND r.state = 'succeeded'
           ORDER BY r.environment_id, r.finished_at DESC NULLS LAST
        ) last
        JOIN releases cur ON cur.id = CASE WHEN last.kind = 'rollback' THEN last.rollback_to_id ELSE last.id END`,
    db.$queryRaw<HostRow[]>`
      SELECT last.environment_id AS "environmentId", last.server_id AS "serverId",
             rec.id AS "releaseId", rec.number, rec.ref, rec.commit, COALESCE(sw.at, last.finished_at) AS "switchedAt"
        FROM (
          SELECT DISTINCT ON (r.environment_id, t.server_id)
                 r.environment_id, t.server_id, t.release_id, t.current, t.finished_at, r.kind, r.rollback_to_id
            FROM release_targets t
            JOIN releases r ON r.id = t.release_id
           WHERE r.environment_id = ANY(${environmentIds}::uuid[]) AND t.state = 'succeeded'
           ORDER BY r.environment_id, t.server_id, t.finished_at DESC NULLS LAST
        ) last
        LEFT JOIN releases rec ON rec.id = CASE
          WHEN last.current IS NULL THEN CASE WHEN last.kind = 'rollback' THEN last.rollback_to_id ELSE last.release_id END
          WHEN last.current ~ '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' THEN last.current::uuid
        END
        LEFT JOIN LATERAL (
          SELECT e.at FROM release_events e
           WHERE e.release_id = last.release_id AND e.type = 'stage.finished' AND e.stage = 'switch' AND e.target = last.server_id
           ORDER BY e.seq DESC LIMIT 1
        ) sw ON true`,
  ]);
  return {
    current: new Map(currentRows.map((row) => [row.environmentId, row])),
    hosts: new Map(hostRows.map((row) => [`${row.environmentId}/${row.serverId}`, row])),
  };
}
