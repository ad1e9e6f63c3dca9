import { describe, expect, it } from 'vitest';
import { changesOf, lineDiff } from './change-rows';

describe('changesOf', () => {
  it('reads the changes of an update and ignores details of another shape', () => {
    const changes = { name: { from: 'a', to: 'b' }, variables: { keys: { A: { from: null, to: '1' } } } };
    expect(changesOf({ name: 'b', changes })).toBe(changes);
    expect(changesOf({ changed: ['name'] })).toBeNull();
    expect(changesOf({ changes: ['name'] })).toBeNull();
    expect(changesOf({ changes: { name: 'b' } })).toBeNull();
    expect(changesOf(null)).toBeNull();
  });
});

describe('lineDiff', () => {
  it('keeps common lines, shows a changed one as removed then added, and a new text as added lines only', () => {
    expect(lineDiff('a\nb\nc', 'a\nB\nc\nd')).toEqual([
      { kind: 'same', text: 'a' },
      { kind: 'removed', text: 'b' },
      { kind: 'added', text: 'B' },
      { kind: 'same', text: 'c' },
      { kind: 'added', text: 'd' },
    ]);
    expect(lineDiff('', 'x\ny')).toEqual([
      { kind: 'added', text: 'x' },
      { kind: 'added', text: 'y' },
    ]);
  });
});
