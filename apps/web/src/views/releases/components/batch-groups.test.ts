import { describe, expect, it } from 'vitest';
import type { ReleaseTarget } from '@/api/releases';
import { groupByBatch } from './batch-groups';

const target = (serverId: string): ReleaseTarget => ({
  serverId,
  serverName: serverId,
  host: '127.0.0.1',
  port: 22,
  state: 'pending',
  stage: null,
  previous: null,
  current: null,
  error: null,
  startedAt: null,
  finishedAt: null,
});
const batch = (index: number, targets: string[], started: boolean, finished = false) => ({
  index,
  count: 3,
  targets,
  started,
  finished,
});

describe('grouping the grid by batch', () => {
  it('needs no header for a release that runs as one batch', () => {
    const groups = groupByBatch([target('a'), target('b')], {
      batches: [{ ...batch(0, ['a', 'b'], true), count: 1 }],
      planned: [['a', 'b']],
      paused: false,
      currentRun: null,
    });
    expect(groups).toEqual([{ key: 'all', label: null, status: null, targets: [target('a'), target('b')] }]);
  });

  it('lists named batches in order, then the servers of batches not named yet, then those a retry left alone', () => {
    const all = ['a', 'b', 'c', 'd', 'e'].map(target);
    const groups = groupByBatch(all, {
      batches: [batch(0, ['b'], true, true), batch(1, ['c', 'a'], true)],
      planned: [['a'], ['b', 'c'], ['d', 'e']],
      paused: false,
      currentRun: ['a', 'b', 'c', 'd'],
    });
    expect(groups.map((g) => [g.key, g.status?.name ?? null, g.targets.map((t) => t.serverId)])).toEqual([
      ['1', 'done', ['b']],
      ['2', 'running', ['c', 'a']],
      ['later', null, ['d']],
      ['earlier', null, ['e']],
    ]);
  });

  it('shows the planned batches before the feed names any, none of them started', () => {
    const all = ['a', 'b', 'c'].map(target);
    const groups = groupByBatch(all, { batches: [], planned: [['a'], ['b', 'c']], paused: false, currentRun: null });
    expect(groups.map((g) => [g.label, g.status?.name ?? null, g.targets.map((t) => t.serverId)])).toEqual([
      [{ key: 'releases.batch.name', params: { n: 1, count: 2 } }, 'next', ['a']],
      [{ key: 'releases.batch.name', params: { n: 2, count: 2 } }, 'next', ['b', 'c']],
    ]);
  });
});
