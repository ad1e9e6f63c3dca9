import { rmSync } from 'node:fs';
import path from 'node:path';
import type { ReleaseView } from '@rp/contract/releases';
import { ansibleInstalled, ansibleRelease, prepareAnsible } from './ansible.js';
import { makeRandomTarball } from './artifact.js';
import { baselineRelease, baselineSwitch } from './baseline.js';
import type { BenchContext } from './context.js';
import { productRelease, productRollback, type ProductRun } from './product-run.js';
import { Series, seconds } from './series.js';
import { describeStages } from './stage-timings.js';

export interface SizeFigures {
  sizeMb: number;
  hosts: number;
  productTotal: Series;
  productWindow: Series;
  baseline: Series;
  /** null when ansible-playbook is not installed. */
  ansible: Series | null;
  productRollback: Series;
  baselineRollback: Series;
}

/** Runs `steps` in order on odd rounds and reversed on even ones, so neither side always goes first. */
async function alternate(round: number, steps: (() => Promise<void>)[]): Promise<void> {
  for (const step of round % 2 === 1 ? steps : [...steps].reverse()) await step();
}

function describeRun(run: ProductRun, work: string): string {
  const total = `${run.kind === 'release' ? 'API call → succeeded' : 'API call → done'} ${seconds(run.totalMs)} s, fan-out window ${seconds(run.timings.windowMs)} s`;
  return `${total} | stages (s) ${describeStages(run.timings, run.kind)} | ${work}`;
}

/**
 * One artifact size to every host: releases (product and baseline alternating), then rollbacks between the last two
 * releases (product) and the last two release directories (baseline), then Ansible when installed.
 */
export async function sizePhase(ctx: BenchContext, sizeMb: number): Promise<SizeFigures> {
  const { settings } = ctx;
  const hosts = ctx.ssh.hosts.length;
  const { environmentId } = await ctx.project(sizeMb);
  const artifact = makeRandomTarball(ctx.dir, sizeMb);
  const base = ctx.baseline(`baseline-${sizeMb}mb`);
  // A rollback needs a release to go back to, so there are always at least two.
  const releaseRounds = Math.max(settings.rounds, 2);
  console.log(`\n── ${sizeMb} MB → ${hosts} hosts, concurrency ${settings.concurrency}: ${releaseRounds} release rounds, ${settings.rounds} rollback rounds (baseline artifact ${(artifact.size / 1024 / 1024).toFixed(1)} MB tar.gz) ──`);
  const f: SizeFigures = {
    sizeMb,
    hosts,
    productTotal: new Series(),
    productWindow: new Series(),
    baseline: new Series(),
    ansible: null,
    productRollback: new Series(),
    baselineRollback: new Series(),
  };

  const productIds: string[] = [];
  const baselineIds: string[] = [];
  for (let round = 1; round <= releaseRounds; round++) {
    await alternate(round, [
      async () => {
        const commit = ctx.newCommit(`${sizeMb} MB round ${round}`);
        ctx.settle();
        const meter = ctx.meter();
        const run = await productRelease(ctx.product.api, environmentId);
        const view = await ctx.product.api.call<ReleaseView>('GET', `/api/releases/${run.id}`);
        if (view.commit !== commit) throw new Error(`release ${run.id} built ${view.commit}, not the new commit ${commit}`);
        f.productTotal.add(run.totalMs);
        f.productWindow.add(run.timings.windowMs);
        productIds.push(run.id);
        console.log(`round ${round} product : ${describeRun(run, meter.describe(hosts))}`);
      },
      async () => {
        ctx.settle();
        const meter = ctx.meter();
        const id = `r${round}`;
        const ms = f.baseline.add(await baselineRelease(base, id, artifact.path));
        baselineIds.push(id);
        console.log(`round ${round} baseline: ssh|tar ${seconds(ms)} s | ${meter.describe(hosts)}`);
      },
    ]);
  }

  // Back and forth between the last two releases: each rollback goes to the one not current.
  let [productOther, productCurrent] = productIds.slice(-2) as [string, string];
  let [baselineOther, baselineCurrent] = baselineIds.slice(-2) as [string, string];
  for (let round = 1; round <= settings.rounds; round++) {
    await alternate(round, [
      async () => {
        ctx.settle();
        const meter = ctx.meter();
        const run = await productRollback(ctx.product.api, productOther);
        f.productRollback.add(run.totalMs);
        [productOther, productCurrent] = [productCurrent, productOther];
        console.log(`rollback ${round} product : ${describeRun(run, meter.describe(hosts))}`);
      },
      async () => {
        ctx.settle();
        const meter = ctx.meter();
        const ms = f.baselineRollback.add(await baselineSwitch(base, baselineOther));
        [baselineOther, baselineCurrent] = [baselineCurrent, baselineOther];
        console.log(`rollback ${round} baseline: ssh ln+mv ${seconds(ms)} s | ${meter.describe(hosts)}`);
      },
    ]);
  }

  if (ansibleInstalled()) {
    f.ansible = new Series();
    const run = prepareAnsible(ctx.dir, base);
    for (let round = 1; round <= settings.rounds; round++) {
      ctx.settle();
      const meter = ctx.meter();
      const ms = f.ansible.add(await ansibleRelease(run, base, `a${round}`, artifact.path));
      console.log(`round ${round} ansible : ${seconds(ms)} s | ${meter.describe(hosts)}`);
    }
  } else {
    console.log('ansible-playbook not installed; skipped');
  }

  // The baseline's release directories are not needed again; the product's stay for its own cleanup rule.
  for (const h of ctx.ssh.hosts) rmSync(path.join(h.deployRoot, `baseline-${sizeMb}mb`), { recursive: true, force: true });
  rmSync(artifact.path, { force: true });
  return f;
}
