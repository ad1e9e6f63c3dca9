import type { ReleaseView } from '@rp/contract/releases';
import { whyNotBuilt } from './built-product.js';
import type { BenchContext } from './context.js';
import { createBenchProject } from './fleet.js';
import { describeRss, sampleRss, startRssSampler, type RssSample } from './memory.js';
import { waitUntilFinal } from './product-run.js';
import { seconds } from './series.js';

export interface MemoryFigures {
  /** How the processes ran: from the build output, or from source through tsx. */
  from: 'built' | 'source';
  releases: number;
  targets: number;
  sizeMb: number;
  idle: RssSample;
  peak: RssSample;
  after: RssSample;
  settleSeconds: number;
  loadMs: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * RSS of the product's processes (API and worker, and their children) idle, at the peak of N releases × M hosts running at
 * once, and a while after. N projects, each with one environment of M servers under its own deploy path, so the
 * product runs them all concurrently (it serialises releases of one environment and of one server path).
 */
export async function memoryPhase(ctx: BenchContext): Promise<MemoryFigures> {
  const { settings, fleet } = ctx;
  const n = settings.memoryReleases;
  const m = settings.memoryTargets;
  console.log(`\n── memory: ${n} releases × ${m} hosts at once, ${settings.memorySizeMb} MB each, WORKER_CONCURRENCY=${n} ──`);
  const environments: string[] = [];
  for (let k = 0; k < n; k++) {
    const serverIds = Array.from({ length: m }, (_, j) => fleet.serverIds[(k * m + j) % fleet.serverIds.length] ?? '');
    const name = `memory-${String(k + 1).padStart(2, '0')}`;
    const { environmentId } = await createBenchProject(ctx.product.api, fleet, {
      name,
      gitUrl: ctx.repo.url,
      sizeMb: settings.memorySizeMb,
      deployPath: `${ctx.mount}/${name}`,
      serverIds,
      concurrency: settings.concurrency,
    });
    environments.push(environmentId);
  }
  ctx.newCommit('memory load');

  // Fresh processes: what the earlier phases left in their heaps is not this phase's load. Built ones when the
  // build is current: from source each process also holds tsx's loader thread, which a deployed product does not.
  const stale = whyNotBuilt();
  if (stale) console.log(`product from source through tsx (RSS includes its loader, ~70 MiB per process): ${stale}`);
  else console.log('product from its build output (apps/api/dist), as deployed');
  await ctx.product.restart(stale ? 'source' : 'built');
  await sleep(5_000);
  const pids = ctx.product.pids;
  const idle = sampleRss(pids);
  console.log(`idle : ${describeRss(idle)}`);

  const api = ctx.product.api;
  const sampler = startRssSampler(pids);
  const t0 = performance.now();
  const created = await Promise.all(environments.map((environmentId) => api.call<ReleaseView>('POST', '/api/releases', { environmentId, ref: 'main' })));
  // A slow poll: ten pollers at 50 ms would be load of their own.
  await Promise.all(created.map((r) => waitUntilFinal(api, r.id, { pollMs: 500 })));
  const loadMs = performance.now() - t0;
  const peak = sampler.stop();
  console.log(`peak : ${describeRss(peak)} (${peak.samples} samples every 200 ms over ${seconds(loadMs)} s of load)`);

  await sleep(settings.memorySettleSeconds * 1000);
  const after = sampleRss(pids);
  console.log(`after: ${describeRss(after)} (${settings.memorySettleSeconds} s after the load ended)`);
  return { from: stale ? 'source' : 'built', releases: n, targets: m, sizeMb: settings.memorySizeMb, idle, peak, after, settleSeconds: settings.memorySettleSeconds, loadMs };
}
