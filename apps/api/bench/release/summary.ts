import type { MemoryFigures } from './memory-phase.js';
import type { ScalePoint } from './scale-phase.js';
import { growthPerHost, ratio, type Series } from './series.js';
import type { SizeFigures } from './size-phase.js';

export interface AllFigures {
  emptyHome: boolean;
  sizes: SizeFigures[];
  scale: ScalePoint[];
  memory: MemoryFigures | null;
}

const MEMORY_GOAL_MIB = 250;

function row(label: string, product: Series, baseline: Series, goal?: number): string {
  return `${label.padEnd(44)} product ${product.describe()}\n${''.padEnd(44)} baseline ${baseline.describe()}\n${''.padEnd(44)} ratio ${ratio(product, baseline, goal)}`;
}

/** Every figure once more, best of the rounds with their spread, and each ratio next to the issue's goal for it. */
export function printSummary(f: AllFigures): void {
  console.log(`\n══ summary (best of rounds; hosts' login shell: ${f.emptyHome ? 'empty home' : 'version-manager ~/.bashrc'}) ══`);
  for (const s of f.sizes) {
    const big = s.sizeMb >= 100;
    const fanoutGoal = big ? (f.emptyHome ? 1.1 : 1.25) : undefined;
    console.log(row(`${s.sizeMb} MB → ${s.hosts} hosts, fan-out window`, s.productWindow, s.baseline, fanoutGoal));
    console.log(row(`${s.sizeMb} MB → ${s.hosts} hosts, API call → succeeded`, s.productTotal, s.baseline));
    if (s.ansible) console.log(row(`${s.sizeMb} MB → ${s.hosts} hosts, total vs Ansible`, s.productTotal, s.ansible, big ? 0.45 : undefined));
    else console.log(`${`${s.sizeMb} MB → ${s.hosts} hosts vs Ansible`.padEnd(44)} ansible-playbook not installed; skipped`);
    console.log(row(`rollback, ${s.hosts} hosts (${s.sizeMb} MB)`, s.productRollback, s.baselineRollback, 1.2));
  }
  if (f.scale.length > 0) {
    for (const p of f.scale) console.log(row(`1 MB → ${p.hosts} host(s), API call → succeeded`, p.product, p.baseline, p.hosts === 1 ? 1.3 : undefined));
    if (f.scale.length > 1) {
      const product = growthPerHost(f.scale.map((p) => ({ hosts: p.hosts, ms: p.product.best })));
      const baseline = growthPerHost(f.scale.map((p) => ({ hosts: p.hosts, ms: p.baseline.best })));
      const verdict = product <= baseline ? 'met' : 'missed';
      console.log(`${'1 MB, growth per added host'.padEnd(44)} product ${product.toFixed(3)} s/host, baseline ${baseline.toFixed(3)} s/host (goal: no faster than the baseline: ${verdict})`);
    }
  }
  if (f.memory) {
    const m = f.memory;
    const own = (s: typeof m.idle) => Object.values(s.own).reduce((a, b) => a + b, 0);
    const peakOk = own(m.peak) <= MEMORY_GOAL_MIB ? 'met' : 'missed';
    const back = own(m.after) / own(m.idle);
    console.log(`${`RSS, ${m.releases} releases × ${m.targets} hosts (${m.sizeMb} MB)`.padEnd(44)} product processes: idle ${own(m.idle).toFixed(0)} MiB, peak ${own(m.peak).toFixed(0)} MiB (goal ≤ ${MEMORY_GOAL_MIB}: ${peakOk}), ${m.settleSeconds} s after ${own(m.after).toFixed(0)} MiB = ${back.toFixed(2)}× idle (goal ≤ 1.20: ${back <= 1.2 ? 'met' : 'missed'})`);
    if (m.from === 'source') console.log(`${''.padEnd(44)} (run from source through tsx: each process carries its loader, ~70 MiB; \`npm run build\` first for deployed figures)`);
    console.log(`${''.padEnd(44)} with children: idle ${m.idle.total.toFixed(0)} MiB, peak ${m.peak.total.toFixed(0)} MiB, after ${m.after.total.toFixed(0)} MiB`);
  }
}
