/**
 * Latency histogram with 0.05 ms buckets up to one minute: 200 viewers × 50,000 lines is ten million samples, too
 * many to keep and sort, while percentiles at this resolution are exact enough to compare against a 100 ms goal.
 */
const BUCKET_MS = 0.05;
const MAX_MS = 60_000;

/** A histogram's state as plain data, to cross a worker-thread boundary. */
export interface HistogramData {
  buckets: Uint32Array;
  count: number;
  sum: number;
  min: number;
  max: number;
}

export class Histogram {
  #buckets: Uint32Array = new Uint32Array(Math.ceil(MAX_MS / BUCKET_MS) + 1);
  count = 0;
  max = Number.NEGATIVE_INFINITY;
  min = Number.POSITIVE_INFINITY;
  #sum = 0;

  static from(data: HistogramData): Histogram {
    const h = new Histogram();
    h.#buckets = data.buckets;
    h.count = data.count;
    h.#sum = data.sum;
    h.min = data.min;
    h.max = data.max;
    return h;
  }

  data(): HistogramData {
    return { buckets: this.#buckets, count: this.count, sum: this.#sum, min: this.min, max: this.max };
  }

  add(ms: number): void {
    this.count++;
    this.#sum += ms;
    if (ms > this.max) this.max = ms;
    if (ms < this.min) this.min = ms;
    // Clocks are shared, so a negative value is sub-millisecond jitter between two processes' time origins.
    const i = Math.min(this.#buckets.length - 1, Math.max(0, Math.floor(ms / BUCKET_MS)));
    this.#buckets[i] = (this.#buckets[i] ?? 0) + 1;
  }

  merge(other: Histogram): void {
    for (let i = 0; i < this.#buckets.length; i++) this.#buckets[i] = (this.#buckets[i] ?? 0) + (other.#buckets[i] ?? 0);
    this.count += other.count;
    this.#sum += other.#sum;
    this.max = Math.max(this.max, other.max);
    this.min = Math.min(this.min, other.min);
  }

  /** Upper edge of the bucket holding the q-quantile; exact values beyond the last bucket are reported as max. */
  quantile(q: number): number {
    if (this.count === 0) return Number.NaN;
    const rank = Math.ceil(q * this.count);
    let seen = 0;
    for (let i = 0; i < this.#buckets.length; i++) {
      seen += this.#buckets[i] ?? 0;
      if (seen >= rank) return Math.min((i + 1) * BUCKET_MS, this.max);
    }
    return this.max;
  }

  mean(): number {
    return this.count ? this.#sum / this.count : Number.NaN;
  }

  summary(): string {
    if (this.count === 0) return 'no samples';
    const f = (ms: number) => `${ms.toFixed(1)} ms`;
    return `p50 ${f(this.quantile(0.5))}  p90 ${f(this.quantile(0.9))}  p99 ${f(this.quantile(0.99))}  max ${f(this.max)}  (mean ${f(this.mean())}, n=${this.count})`;
  }
}
