import { describe, expect, it } from 'vitest';
import { checkBatchSizes, splitIntoBatches } from './batches.js';
import type { BatchSize } from './types.js';

const hosts = (n: number) => Array.from({ length: n }, (_, i) => `h${i + 1}`);
const shape = (batches: { targets: string[] }[]) => batches.map((b) => b.targets.length);

describe('splitIntoBatches', () => {
  it('reads sizes cumulatively: [1, 25%, 100%] of 20 is 1, 4, 15', () => {
    const batches = splitIntoBatches(hosts(20), { kind: 'batches', sizes: [1, '25%', '100%'] });
    expect(shape(batches)).toEqual([1, 4, 15]);
    expect(batches.flatMap((b) => b.targets)).toEqual(hosts(20));
  });

  it('drops sizes that add no host', () => {
    expect(shape(splitIntoBatches(hosts(3), { kind: 'batches', sizes: [1, '25%', '100%'] }))).toEqual([1, 2]);
  });

  it('rounds percentages up so a small fleet still gets a canary', () => {
    expect(shape(splitIntoBatches(hosts(4), { kind: 'batches', sizes: ['10%', '100%'] }))).toEqual([1, 3]);
  });

  it('puts hosts left after the last size into a final batch', () => {
    expect(shape(splitIntoBatches(hosts(10), { kind: 'batches', sizes: [2, 5] }))).toEqual([2, 3, 5]);
  });

  it('caps sizes larger than the fleet', () => {
    expect(shape(splitIntoBatches(hosts(2), { kind: 'batches', sizes: [5, '100%'] }))).toEqual([2]);
  });

  it('applies the concurrency cap per batch', () => {
    const batches = splitIntoBatches(hosts(10), { kind: 'batches', sizes: [1, '100%'], concurrency: 4 });
    expect(batches.map((b) => b.concurrency)).toEqual([1, 4]);
  });

  it('parallel is one batch with a capped concurrency', () => {
    const [only, ...rest] = splitIntoBatches(hosts(5), { kind: 'parallel', concurrency: 2 });
    expect(rest).toEqual([]);
    expect(only?.targets).toEqual(hosts(5));
    expect(only?.concurrency).toBe(2);
    expect(splitIntoBatches(hosts(5), { kind: 'parallel' })[0]?.concurrency).toBe(5);
  });

  it('serial is one host per batch', () => {
    expect(shape(splitIntoBatches(hosts(3), { kind: 'serial' }))).toEqual([1, 1, 1]);
  });

  it('returns no batches for no targets', () => {
    expect(splitIntoBatches([], { kind: 'parallel' })).toEqual([]);
  });
});

describe('checkBatchSizes', () => {
  it('accepts counts and percentages', () => {
    expect(checkBatchSizes([1, '25%', '100%'])).toBeUndefined();
  });
  const bad: BatchSize[][] = [[], [0], [1.5], ['0%'], ['150%'], ['abc%' as `${number}%`]];
  it.each(bad.map((sizes) => [sizes]))('rejects %j', (sizes) => {
    expect(checkBatchSizes(sizes)).toBeTypeOf('string');
  });
});
