import type { Db } from '../shared/db.js';

export interface GaugeReadings {
  /** `project` is `group/project`: a project's name is unique only within its group. */
  releases: { state: string; project: string; count: number }[];
  /** Notifications not yet expanded into deliveries, plus deliveries waiting to be sent or being sent. */
  outboxDepth: number;
  hosts: { state: string; count: number }[];
}

/** Everything the gauges show, read at scrape time: three aggregate queries, whatever the number of releases. */
export async function readGauges(db: Db): Promise<GaugeReadings> {
  const [releases, outbox, hosts] = await Promise.all([
    db.$queryRaw<GaugeReadings['releases']>`
      SELECT c.state, g.name || '/' || p.name AS project, c.count
        FROM (SELECT state::text AS state, project_id, count(*)::int AS count FROM releases GROUP BY state, project_id) c
        JOIN projects p ON p.id = c.project_id
        JOIN groups g ON g.id = p.group_id`,
    db.$queryRaw<{ depth: number }[]>`
      SELECT (SELECT count(*) FROM notification_events WHERE expanded_at IS NULL)::int
           + (SELECT count(*) FROM notification_deliveries WHERE state IN ('pending', 'sending'))::int AS depth`,
    db.$queryRaw<GaugeReadings['hosts']>`SELECT state, count(*)::int AS count FROM host_statuses GROUP BY state`,
  ]);
  return { releases, outboxDepth: outbox[0]?.depth ?? 0, hosts };
}
