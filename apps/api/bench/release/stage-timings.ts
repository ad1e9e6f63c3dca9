import type { EventView, LogPage } from '@rp/contract/releases';
import { plannedStages, type RunKind } from '@rp/contract/stages';
import type { Api } from '../rest.js';

export interface StageTimings {
  /**
   * From the first target's first stage starting (upload; a rollback's switch) to the last target's last stage
   * finishing, from the engine's own event times: the fan-out the baseline's wall time compares with.
   */
  windowMs: number;
  /** Duration of each stage: global stages once, per-target stages their slowest target. */
  stageMs: Map<string, number>;
}

/** Every event of a release, through the REST API's paged log. */
async function allEvents(api: Api, id: string): Promise<EventView[]> {
  const events: EventView[] = [];
  for (let since = 0; ; ) {
    const page = await api.call<LogPage>('GET', `/api/releases/${id}/logs?since=${since}&limit=10000`);
    events.push(...page.events);
    since = page.events.at(-1)?.seq ?? since;
    if (!page.more) return events;
  }
}

export async function stageTimings(api: Api, id: string, kind: RunKind): Promise<StageTimings> {
  const events = await allEvents(api, id);
  const perTarget = plannedStages(kind).perTarget;
  const first = perTarget[0];
  const at = (e: EventView) => Date.parse(e.at);
  const starts = events.filter((e) => e.type === 'stage.started' && e.target !== null && e.stage === first).map(at);
  const ends = events.filter((e) => e.type === 'stage.finished' && e.target !== null && (perTarget as readonly string[]).includes(e.stage ?? '')).map(at);
  const stageMs = new Map<string, number>();
  for (const e of events) {
    const data = e.data as { durationMs?: number; status?: string } | null;
    // Skipped stages (hooks the project does not have, the absent health check) are noise in a round's line.
    if (e.type !== 'stage.finished' || !e.stage || data?.status === 'skipped') continue;
    const duration = data?.durationMs ?? 0;
    stageMs.set(e.stage, Math.max(stageMs.get(e.stage) ?? 0, duration));
  }
  if (starts.length === 0 || ends.length === 0) throw new Error(`release ${id} has no ${first} stage events`);
  return { windowMs: Math.max(...ends) - Math.min(...starts), stageMs };
}

/** `prepare 0.31, checkout 0.12, … s` in plan order, for one line per round. */
export function describeStages(timings: StageTimings, kind: RunKind): string {
  const { global, perTarget } = plannedStages(kind);
  return [...global, ...perTarget]
    .filter((s) => timings.stageMs.has(s))
    .map((s) => `${s} ${((timings.stageMs.get(s) ?? 0) / 1000).toFixed(2)}`)
    .join(', ');
}
