import type { Static } from 'typebox';
import { Prisma } from '../generated/prisma/client.js';
import type { Actor } from '../plugins/app/auth/actor.js';
import type { Db } from '../shared/db.js';
import type { ReleaseStats, StatsQuery } from '@rp/contract/stats';

const DAY_MS = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * Counts for the dashboard, over the groups the actor can see. Everything is aggregated in PostgreSQL: a company
 * with a year of releases must not ship every row to Node to draw a chart.
 */
export async function releaseStats({ db, actor }: { db: Db; actor: Actor }, query: Static<typeof StatsQuery>): Promise<Static<typeof ReleaseStats>> {
  const todayStart = Date.parse(`${isoDay(Date.now())}T00:00:00Z`);
  const fromMs = todayStart - (query.days - 1) * DAY_MS;
  const from = new Date(fromMs);
  const everyGroup = actor.isAdmin;
  const groups = [...actor.roles.keys()];
  const projectId = query.projectId ?? null;
  const scope = Prisma.sql`(${everyGroup} OR p.group_id = ANY(${groups}::uuid[])) AND (${projectId}::uuid IS NULL OR r.project_id = ${projectId}::uuid)`;

  const [days, projects, now] = await Promise.all([
    db.$queryRaw<{ day: string; total: number; succeeded: number; failed: number }[]>`
      SELECT to_char(r.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day,
             count(*)::int AS total,
             count(*) FILTER (WHERE r.state = 'succeeded')::int AS succeeded,
             count(*) FILTER (WHERE r.state IN ('failed', 'interrupted'))::int AS failed
        FROM releases r JOIN projects p ON p.id = r.project_id
       WHERE r.created_at >= ${from}
         AND ${scope}
       GROUP BY 1`,
    db.$queryRaw<{ project_id: string; name: string; total: number; succeeded: number; failed: number; finished: number; median_s: number | null }[]>`
      SELECT p.id AS project_id, p.name,
             count(*)::int AS total,
             count(*) FILTER (WHERE r.state = 'succeeded')::int AS succeeded,
             count(*) FILTER (WHERE r.state IN ('failed', 'interrupted'))::int AS failed,
             count(*) FILTER (WHERE r.state IN ('succeeded', 'failed', 'interrupted'))::int AS finished,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM r.finished_at - r.started_at))
               FILTER (WHERE r.state = 'succeeded' AND r.started_at IS NOT NULL AND r.finished_at IS NOT NULL) AS median_s
        FROM releases r JOIN projects p ON p.id = r.project_id
       WHERE r.created_at >= ${from}
         AND ${scope}
       GROUP BY p.id, p.name
       ORDER BY count(*) DESC, p.name`,
    db.$queryRaw<{ running: number; queued: number; pending: number }[]>`
      SELECT count(*) FILTER (WHERE r.state IN ('running', 'paused'))::int AS running,
             count(*) FILTER (WHERE r.state = 'queued')::int AS queued,
             count(*) FILTER (WHERE r.state = 'pending_approval')::int AS pending
        FROM releases r JOIN projects p ON p.id = r.project_id
       WHERE r.state IN ('running', 'paused', 'queued', 'pending_approval')
         AND ${scope}`,
  ]);

  const byDay = new Map(days.map((d) => [d.day, d]));
  const perDay = Array.from({ length: query.days }, (_, i) => {
    const date = isoDay(fromMs + i * DAY_MS);
    const row = byDay.get(date);
    return { date, total: row?.total ?? 0, succeeded: row?.succeeded ?? 0, failed: row?.failed ?? 0 };
  });
  const current = now[0] ?? { running: 0, queued: 0, pending: 0 };
  return {
    from: isoDay(fromMs),
    to: isoDay(todayStart),
    perDay,
    projects: projects.map((p) => ({
      projectId: p.project_id,
      projectName: p.name,
      total: p.total,
      succeeded: p.succeeded,
      failed: p.failed,
      successRate: p.finished > 0 ? p.succeeded / p.finished : null,
      medianDurationSeconds: p.median_s === null ? null : Math.round(Number(p.median_s) * 10) / 10,
    })),
    running: current.running,
    queued: current.queued,
    pendingApproval: current.pending,
  };
}
