import { describe, expect, it } from 'vitest';
import type { ReleaseEvent } from '@/api/releases';
import { logEntries, rowOffsets, rowsOf } from './log-layout';

const line = (seq: number): ReleaseEvent => ({
  seq,
  at: '2026-11-23T10:00:00.000Z',
  type: 'log',
  stage: 'build',
  target: null,
  stream: 'stdout',
  text: `line ${seq}`,
  data: null,
});
const run = (seq: number) => ({ seq, at: '2026-11-23T10:00:00.000Z', targets: [] });

describe('log layout', () => {
  it('puts a separator before the first line of each retry, and at the end for a retry that logged nothing yet', () => {
    const entries = logEntries([line(2), line(3), line(6)], [run(1), run(4), run(5), run(7)]);
    expect(entries.map((e) => (e.kind === 'log' ? e.event.seq : `run ${e.attempt}`))).toEqual([
      2,
      3,
      'run 2',
      'run 3',
      6,
      'run 4',
    ]);
  });

  it('counts the rows a wrapped line takes, with wide characters taking two columns', () => {
    expect(rowsOf('', 10)).toBe(1);
    expect(rowsOf('a'.repeat(10), 10)).toBe(1);
    expect(rowsOf('a'.repeat(11), 10)).toBe(2);
    expect(rowsOf('构建成功构建成功', 10)).toBe(2);
    expect(Array.from(rowOffsets([1, 3, 2]))).toEqual([0, 1, 4, 6]);
  });
});
