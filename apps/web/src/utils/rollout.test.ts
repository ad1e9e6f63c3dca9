import { describe, expect, it } from 'vitest';
import { batchRollout, parseBatches } from './rollout';

describe('parseBatches', () => {
  it('reads counts and percentages separated by commas or spaces', () => {
    expect(parseBatches('1, 25%, 100%')).toEqual([1, '25%', '100%']);
    expect(parseBatches(' 2 50%，100% ')).toEqual([2, '50%', '100%']);
  });

  it('refuses anything else', () => {
    for (const bad of ['', '0', '0%', '101%', '1.5', 'abc', '25 %', '-1']) expect(parseBatches(bad), bad).toBeNull();
  });
});

describe('batchRollout', () => {
  it('keeps the environment\'s concurrency and failure policy', () => {
    const env = {
      rollout: { strategy: 'parallel', concurrency: 5, batches: [], betweenBatches: { mode: 'manual' as const }, failure: { tolerate: 1 }, autoRollback: false },
    };
    expect(batchRollout(env, { batches: [1, '100%'], between: 'auto', seconds: 30 })).toEqual({
      strategy: 'batches',
      concurrency: 5,
      batches: [1, '100%'],
      betweenBatches: { mode: 'auto', seconds: 30 },
      failure: { tolerate: 1 },
      autoRollback: false,
    });
    expect(batchRollout(env, { batches: ['50%'], between: 'manual', seconds: 30 }).betweenBatches).toEqual({ mode: 'manual' });
  });
});
