import type { BatchSize, Rollout } from './types.js';

export interface Batch<T> {
  targets: T[];
  /** How many targets of this batch run at the same time. */
  concurrency: number;
}

function resolveSize(size: BatchSize, total: number): number {
  if (typeof size === 'number') return Math.floor(size);
  const percent = Number(size.slice(0, -1));
  // Rounding up means "1%" of 20 hosts still deploys one host instead of an empty batch.
  return Math.ceil((percent / 100) * total);
}

export function checkBatchSizes(sizes: readonly BatchSize[]): string | undefined {
  if (sizes.length === 0) return 'batch sizes must not be empty';
  for (const size of sizes) {
    if (typeof size === 'number') {
      if (!Number.isInteger(size) || size < 1) return `batch size ${size} must be a positive integer`;
    } else if (!/^\d+(\.\d+)?%$/.test(size) || Number(size.slice(0, -1)) <= 0 || Number(size.slice(0, -1)) > 100) {
      return `batch size ${JSON.stringify(size)} must be a percentage in (0, 100]`;
    }
  }
  return undefined;
}

/**
 * Splits targets into batches. Sizes are cumulative, as operators read `[1, "25%", "100%"]`: first one host, then up
 * to a quarter of all hosts, then the rest. Sizes that add no host are dropped; hosts left after the last size form a
 * final batch so a plan can never silently skip targets.
 */
export function splitIntoBatches<T>(targets: readonly T[], rollout: Rollout): Batch<T>[] {
  const total = targets.length;
  if (total === 0) return [];
  if (rollout.kind === 'parallel') {
    return [{ targets: [...targets], concurrency: Math.max(1, Math.min(rollout.concurrency ?? total, total)) }];
  }
  if (rollout.kind === 'serial') {
    return targets.map((t) => ({ targets: [t], concurrency: 1 }));
  }
  const batches: Batch<T>[] = [];
  let done = 0;
  for (const size of rollout.sizes) {
    const upTo = Math.min(total, Math.max(resolveSize(size, total), 0));
    if (upTo <= done) continue;
    const slice = targets.slice(done, upTo);
    batches.push({ targets: slice, concurrency: Math.max(1, Math.min(rollout.concurrency ?? slice.length, slice.length)) });
    done = upTo;
  }
  if (done < total) {
    const rest = targets.slice(done);
    batches.push({ targets: rest, concurrency: Math.max(1, Math.min(rollout.concurrency ?? rest.length, rest.length)) });
  }
  return batches;
}
