import { FINAL_STATES } from '@rp/contract/release-states';
import type { ReleaseView } from '@rp/contract/releases';
import type { RunKind } from '@rp/contract/stages';
import type { Api } from '../rest.js';
import { stageTimings, type StageTimings } from './stage-timings.js';

export interface ProductRun {
  id: string;
  kind: RunKind;
  /** From just before the API call to the poll that saw the release succeeded. */
  totalMs: number;
  timings: StageTimings;
}

/**
 * Polls GET /api/releases/:id until the release is final; rejects unless it succeeded. The default 50 ms is small
 * against a 1-host release (~1 s) and cheap for the API (one indexed read).
 */
export async function waitUntilFinal(api: Api, id: string, { pollMs = 50, timeoutMs = 30 * 60_000 } = {}): Promise<ReleaseView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const release = await api.call<ReleaseView>('GET', `/api/releases/${id}`);
    if (FINAL_STATES.includes(release.state)) {
      if (release.state === 'succeeded') return release;
      const failed = release.targets.filter((t) => t.error).map((t) => `${t.serverName}: ${t.error}`);
      throw new Error(`${release.kind} ${id} ended ${release.state}: ${release.error ?? ''} ${failed.slice(0, 3).join('; ')}`);
    }
    if (Date.now() > deadline) throw new Error(`${release.kind} ${id} still ${release.state} after ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

async function timed(api: Api, kind: RunKind, create: () => Promise<ReleaseView>): Promise<ProductRun> {
  const t0 = performance.now();
  const { id } = await create();
  await waitUntilFinal(api, id);
  const totalMs = performance.now() - t0;
  return { id, kind, totalMs, timings: await stageTimings(api, id, kind) };
}

/** A release of the branch's newest commit to the environment (or to `serverIds` of it), through the REST API. */
export function productRelease(api: Api, environmentId: string, serverIds?: string[]): Promise<ProductRun> {
  return timed(api, 'release', () => api.call<ReleaseView>('POST', '/api/releases', { environmentId, ref: 'main', ...(serverIds ? { serverIds } : {}) }));
}

/** A rollback of the environment to release `toId`, through the REST API. */
export function productRollback(api: Api, toId: string): Promise<ProductRun> {
  return timed(api, 'rollback', () => api.call<ReleaseView>('POST', `/api/releases/${toId}/rollback`, {}));
}
