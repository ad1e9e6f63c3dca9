import type { Db } from '../shared/db.js';

/** How a run can end; the `result` label of `rp_release_duration_seconds`. */
export const RUN_RESULTS = ['succeeded', 'failed', 'aborted', 'interrupted'] as const;
export type RunResult = (typeof RUN_RESULTS)[number];

/**
 * How late a finished run may become visible. `finished_at` is the clock of the worker (or reaper) at the end of the
 * run, its row commits a moment later, and that host's clock may be a little off ours: runs ending this close to the
 * last scrape are read again, and the ones already observed are recognised by id and end time.
 */
const SETTLE_MS = 5 * 60_000;

export interface FinishedRun {
  result: RunResult;
  seconds: number;
}

export interface FinishedStage {
  stage: string;
  seconds: number;
}

interface RunRow extends FinishedRun {
  id: string;
  finishedAt: Date;
}

const keyOf = (run: RunRow) => `${run.id}@${run.finishedAt.getTime()}`;

/**
 * Runs end in worker processes, so each API process learns of them by reading the releases table at scrape time:
 * every call returns the runs (and their stages) that finished since the previous call, each once. What finished
 * before this process started is history, not replayed into its histograms.
 */
export class FinishedRuns {
  readonly #startedAt: number;
  #since: number;
  /** Runs observed that the next query may return again, with when they finished. */
  #seen = new Map<string, number>();

  constructor(now = Date.now()) {
    this.#startedAt = now;
    this.#since = now;
  }

  async take(db: Db, now = Date.now()): Promise<{ runs: FinishedRun[]; stages: FinishedStage[] }> {
    const rows = await db.$queryRaw<RunRow[]>`
      SELECT id, state::text AS result, finished_at AS "finishedAt", EXTRACT(EPOCH FROM finished_at - started_at)::float8 AS seconds
        FROM releases
       WHERE state IN ('succeeded', 'failed', 'aborted', 'interrupted') AND started_at IS NOT NULL
         AND finished_at > ${new Date(this.#since)}`;
    const fresh = rows.filter((run) => !this.#seen.has(keyOf(run)));
    const stages = fresh.length ? await stagesOf(db, fresh.map((run) => run.id)) : [];

    for (const run of fresh) this.#seen.set(keyOf(run), run.finishedAt.getTime());
    this.#since = Math.max(this.#startedAt, now - SETTLE_MS);
    for (const [key, finishedAt] of this.#seen) if (finishedAt <= this.#since) this.#seen.delete(key);
    return { runs: fresh.map(({ result, seconds }) => ({ result, seconds })), stages };
  }
}

/**
 * The stages of each release's last run (a retried release keeps its earlier runs' events; claiming sets
 * `started_at` anew). Skipped stages did no work: their near-zero durations would only drag the histogram down.
 */
function stagesOf(db: Db, releaseIds: string[]): Promise<FinishedStage[]> {
  return db.$queryRaw<FinishedStage[]>`
    SELECT e.stage, (e.data->>'durationMs')::float8 / 1000 AS seconds
      FROM release_events e
      JOIN releases r ON r.id = e.release_id
     WHERE e.release_id = ANY(${releaseIds}::uuid[]) AND e.type = 'stage.finished' AND e.at >= r.started_at
       AND e.data->>'status' <> 'skipped'`;
}
