import type { ReleaseTarget } from '@/api/releases';
import type { BatchInfo } from '@/stores/release-live';

export type BatchStatusName = 'done' | 'running' | 'waiting' | 'next';

export interface BatchGroup {
  key: string;
  /** The header row's i18n key and parameters; null when the release runs as one batch and needs no header. */
  label: { key: string; params: Record<string, number> } | null;
  status: { name: BatchStatusName; type: 'success' | 'primary' | 'warning' | 'info' } | null;
  targets: ReleaseTarget[];
}

const STATUS_TYPE = { done: 'success', running: 'primary', waiting: 'warning', next: 'info' } as const;

function statusOf(batch: BatchInfo, paused: boolean): BatchGroup['status'] {
  const name: BatchStatusName = batch.finished ? 'done' : batch.started ? 'running' : paused ? 'waiting' : 'next';
  return { name, type: STATUS_TYPE[name] };
}

/** Batches as the release plans them, before the feed has named any: none started. */
const notStarted = (planned: readonly (readonly string[])[]): BatchInfo[] =>
  planned.map((targets, index) => ({ index, count: planned.length, targets: [...targets], started: false, finished: false }));

/**
 * The grid's rows grouped by the batch each server runs in, in batch order. Batches come from the feed, which names
 * a batch's servers when it starts (or when a pause waits for it): servers of batches not named yet are grouped as
 * later ones, and servers a retry leaves alone (they succeeded before) as done in an earlier run. Until the feed
 * names one, the release's planned batches are shown, so a release waiting for approval or in the queue shows
 * what its gray rollout will take first.
 */
export function groupByBatch(
  targets: readonly ReleaseTarget[],
  o: {
    batches: readonly BatchInfo[];
    planned: readonly (readonly string[])[];
    paused: boolean;
    currentRun: readonly string[] | null;
  },
): BatchGroup[] {
  const batches = o.batches.length ? o.batches : notStarted(o.planned);
  if ((batches[0]?.count ?? 0) <= 1) return [{ key: 'all', label: null, status: null, targets: [...targets] }];
  const byId = new Map(targets.map((t) => [t.serverId, t]));
  const placed = new Set<string>();
  const groups: BatchGroup[] = batches.map((batch) => {
    const members = batch.targets.flatMap((id) => byId.get(id) ?? []);
    for (const t of members) placed.add(t.serverId);
    return {
      key: String(batch.index + 1),
      label: { key: 'releases.batch.name', params: { n: batch.index + 1, count: batch.count } },
      status: statusOf(batch, o.paused),
      targets: members,
    };
  });
  const inRun = o.currentRun ? new Set(o.currentRun) : null;
  const rest = targets.filter((t) => !placed.has(t.serverId));
  const later = rest.filter((t) => !inRun || inRun.has(t.serverId));
  const earlier = rest.filter((t) => inRun && !inRun.has(t.serverId));
  if (later.length)
    groups.push({ key: 'later', label: { key: 'releases.batch.later', params: {} }, status: null, targets: later });
  if (earlier.length)
    groups.push({
      key: 'earlier',
      label: { key: 'releases.batch.earlier', params: {} },
      status: null,
      targets: earlier,
    });
  return groups;
}
