import type { ReleaseView } from '@rp/contract/releases';
import type { ReadPool } from '../plugins/app/read-pool.js';
import type { DbTx } from '../shared/db.js';
import { NotFound } from '../shared/errors.js';
import { plannedBatches } from './planned-batches.js';
import { releaseProgress } from './progress.js';
import { iso, SUMMARY_COLUMNS, SUMMARY_JOINS } from './summary-sql.js';

type DetailRow = Omit<ReleaseView, 'progress' | 'plannedBatches'>;

/**
 * `GET /api/releases/:id`: the release, its names and its targets in one prepared statement, where Prisma's relation
 * loading took seven round trips. Actions keep views.ts' `getRelease`, which reads inside their transaction.
 */
export async function releaseDetail({ reads, db }: { reads: ReadPool; db: DbTx }, { id }: { id: string }): Promise<ReleaseView> {
  const [release] = await reads.query<DetailRow>(
    'releases.detail',
    `SELECT ${SUMMARY_COLUMNS},
            COALESCE((SELECT json_agg(json_build_object(
                               'serverId', t.server_id, 'serverName', s.name, 'host', s.host, 'port', s.port, 'state', t.state,
                               'stage', t.stage, 'previous', t.previous, 'current', t.current, 'error', t.error,
                               'startedAt', ${iso('t.started_at')}, 'finishedAt', ${iso('t.finished_at')})
                             ORDER BY s.name)
                        FROM release_targets t JOIN servers s ON s.id = t.server_id
                       WHERE t.release_id = r.id), '[]') AS targets
       FROM releases r
       ${SUMMARY_JOINS}
      WHERE r.id = $1`,
    [id],
  );
  if (!release) throw new NotFound('Release');
  return { ...release, plannedBatches: plannedBatches(release.rollout, release.targets), progress: await releaseProgress({ db }, release) };
}
