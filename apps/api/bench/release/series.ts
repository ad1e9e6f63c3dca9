/** The rounds of one measurement: every figure is printed, and compared by its best (the least disturbed) round. */
export class Series {
  readonly values: number[] = [];

  add(ms: number): number {
    this.values.push(ms);
    return ms;
  }

  get best(): number {
    return Math.min(...this.values);
  }

  /** `1.23 s (rounds 1.23 / 1.41, spread 15 %)`: best, then every round and how far the worst is above the best. */
  describe(): string {
    if (this.values.length === 0) return 'not measured';
    const worst = Math.max(...this.values);
    const rounds = this.values.length > 1 ? ` (rounds ${this.values.map(seconds).join(' / ')}, spread ${Math.round((worst / this.best - 1) * 100)} %)` : '';
    return `${seconds(this.best)} s${rounds}`;
  }
}

export const seconds = (ms: number): string => (ms / 1000).toFixed(2);

/** `1.34 (goal ≤ 1.25: missed)`: a best-of ratio with the goal for it, when it has one. */
export function ratio(product: Series, baseline: Series, goal?: number): string {
  if (product.values.length === 0 || baseline.values.length === 0) return 'n/a';
  const r = product.best / baseline.best;
  return goal === undefined ? r.toFixed(2) : `${r.toFixed(2)} (goal ≤ ${goal.toFixed(2)}: ${r <= goal ? 'met' : 'missed'})`;
}

/** Least-squares slope of best time over host count, in seconds per added host. */
export function growthPerHost(points: { hosts: number; ms: number }[]): number {
  const n = points.length;
  const mx = points.reduce((a, p) => a + p.hosts, 0) / n;
  const my = points.reduce((a, p) => a + p.ms, 0) / n;
  const sxx = points.reduce((a, p) => a + (p.hosts - mx) ** 2, 0);
  const sxy = points.reduce((a, p) => a + (p.hosts - mx) * (p.ms - my), 0);
  return sxx === 0 ? 0 : sxy / sxx / 1000;
}
