import { ACTIVE_STATES } from '@rp/contract/release-states';
import type { RolloutSpec } from '@rp/contract/rollout';
import { plannedStages, type RunKind } from '@rp/contract/stages';
import type { DbTx } from '../shared/db.js';

const HISTORY = 10;

export interface Progress {
  percent: number;
  /** Seconds left, from this environment's past runs; null when unknown or waiting for a person (paused). */
  etaSeconds: number | null;
}

/**
 * Percent of the planned stage units (each global stage once, each per-target stage once per target) that have
 * finished. Stages outside the plan (an automatic rollback of a batch) do not count, so a run never shows 100 %
 * before its last planned stage is done.
 */
export function percentDone(kind: RunKind, targets: number, finished: readonly { stage: string | null; target: string | null }[]): number {
  const planned = plannedStages(kind);
  const global: readonly string[] = planned.global;
  const perTarget: readonly string[] = planned.perTarget;
  const done = new Set(
    finished
      .filter((f) => f.stage !== null && (f.target ? perTarget.includes(f.stage) : global.includes(f.stage)))
      .map((f) => `${f.stage}\u0000${f.target ?? ''}`),
  );
  const total = global.length + perTarget.length * targets;
  return Math.min(100, Math.floor((done.size / Math.max(total, 1)) * 100));
}

/**
 * Percent of stage units finished in the current run, and an ETA from how long each stage took in this
 * environment's last successful runs of the same kind, per stage and per target, divided by the rollout's
 * parallelism for per-target stages.
 */
export async function releaseProgress({ db }: { db: DbTx }, release: { id: string; kind: RunKind; state: string; environmentId: string; rollout: unknown }): Promise<Progress> {
  if (release.state === 'succeeded') return { percent: 100, etaSeconds: 0 };
  if (!(ACTIVE_STATES as readonly string[]).includes(release.state)) return { percent: 0, etaSeconds: null };

  const started = await db.releaseEvent.findFirst({ where: { releaseId: release.id, type: 'release.started' }, orderBy: { seq: 'desc' } });
  if (!started) return { percent: 0, etaSeconds: null };
  const targets = ((started.data as { targets?: string[] } | null)?.targets ?? []).length;
  const finished = await db.releaseEvent.findMany({
    where: { releaseId: release.id, type: 'stage.finished', seq: { gt: started.seq } },
    select: { stage: true, target: true },
  });

  const globalStages = plannedStages(release.kind).global;
  const percent = percentDone(release.kind, targets, finished);
  if (release.state === 'paused') return { percent, etaSeconds: null };

  const past = await db.release.findMany({
    where: { environmentId: release.environmentId, kind: release.kind, state: 'succeeded', id: { not: release.id } },
    orderBy: { finishedAt: 'desc' },
    take: HISTORY,
    select: { id: true },
  });
  if (past.length === 0) return { percent, etaSeconds: null };
  const durations = await db.$queryRaw<{ stage: string; per_target: boolean; avg_ms: number }[]>`
    SELECT stage, target IS NOT NULL AS per_target, avg((data->>'durationMs')::float) AS avg_ms
      FROM release_events
     WHERE release_id = ANY(${past.map((p) => p.id)}::uuid[]) AND type = 'stage.finished'
     GROUP BY stage, target IS NOT NULL`;
  const avg = new Map(durations.map((d) => [`${d.stage}:${d.per_target}`, Number(d.avg_ms)]));

  const done = new Set(finished.map((f) => `${f.stage}:${f.target ?? ''}`));
  let remainingMs = 0;
  for (const stage of globalStages) if (!done.has(`${stage}:`)) remainingMs += avg.get(`${stage}:false`) ?? 0;
  const concurrency = Math.max(1, Math.min(targets, (release.rollout as RolloutSpec | null)?.strategy === 'serial' ? 1 : ((release.rollout as RolloutSpec | null)?.concurrency ?? 10)));
  const targetStageNames = [...new Set(durations.filter((d) => d.per_target).map((d) => d.stage))];
  for (const stage of targetStageNames) {
    const finishedForStage = finished.filter((f) => f.stage === stage && f.target).length;
    remainingMs += ((targets - finishedForStage) * (avg.get(`${stage}:true`) ?? 0)) / concurrency;
  }
  return { percent, etaSeconds: Math.round(remainingMs / 1000) };
}
