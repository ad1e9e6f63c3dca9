import { rmSync } from 'node:fs';
import path from 'node:path';
import { makeRandomTarball } from './artifact.js';
import { baselineRelease } from './baseline.js';
import type { BenchContext } from './context.js';
import { productRelease } from './product-run.js';
import { Series, seconds } from './series.js';

export interface ScalePoint {
  hosts: number;
  product: Series;
  baseline: Series;
}

const SIZE_MB = 1;

/**
 * The 1 MB artifact to 1, 5, 10, 20 … hosts at the same concurrency, product (API call → succeeded, a subset of the
 * environment's servers) against the baseline, to show how each side's time grows per host.
 */
export async function scalePhase(ctx: BenchContext): Promise<ScalePoint[]> {
  const { settings } = ctx;
  const counts = settings.scale.filter((n) => n <= ctx.ssh.hosts.length);
  const dropped = settings.scale.filter((n) => n > ctx.ssh.hosts.length);
  console.log(`\n── ${SIZE_MB} MB → ${counts.join(' / ')} hosts, concurrency ${settings.concurrency}, ${settings.rounds} round(s) each ──`);
  if (dropped.length > 0) console.log(`(${dropped.join(', ')} hosts skipped: only ${ctx.ssh.hosts.length} hosts running)`);
  const { environmentId } = await ctx.project(SIZE_MB);
  const artifact = makeRandomTarball(ctx.dir, SIZE_MB);
  const points: ScalePoint[] = [];
  for (const count of counts) {
    const point: ScalePoint = { hosts: count, product: new Series(), baseline: new Series() };
    const base = ctx.baseline('baseline-scale', count);
    for (let round = 1; round <= settings.rounds; round++) {
      const product = async () => {
        ctx.newCommit(`scale ${count} round ${round}`);
        ctx.settle();
        const run = await productRelease(ctx.product.api, environmentId, ctx.fleet.serverIds.slice(0, count));
        point.product.add(run.totalMs);
        return `product ${seconds(run.totalMs)} s (fan-out window ${seconds(run.timings.windowMs)} s)`;
      };
      const baseline = async () => {
        ctx.settle();
        return `baseline ${seconds(point.baseline.add(await baselineRelease(base, `h${count}-r${round}`, artifact.path)))} s`;
      };
      const parts = round % 2 === 1 ? [await product(), await baseline()] : [await baseline(), await product()];
      console.log(`${String(count).padStart(3)} host(s) round ${round}: ${parts.join(', ')}`);
    }
    points.push(point);
  }
  for (const h of ctx.ssh.hosts) rmSync(path.join(h.deployRoot, 'baseline-scale'), { recursive: true, force: true });
  rmSync(artifact.path, { force: true });
  return points;
}
