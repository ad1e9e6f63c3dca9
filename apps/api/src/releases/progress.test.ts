import { describe, expect, it } from 'vitest';
import { percentDone } from './progress.js';

const finished = (stage: string, target: string | null = null) => ({ stage, target });

describe('percentDone', () => {
  it('reaches 100 % when a rollback has taken out, switched, checked, put back and cleaned up every server', () => {
    const events = [finished('prepare')];
    for (const target of ['a', 'b']) {
      for (const stage of ['offline', 'switch', 'healthcheck', 'online', 'cleanup']) events.push(finished(stage, target));
    }
    expect(percentDone('rollback', 2, events)).toBe(100);
  });

  it('counts a rollback switch as one of its five per-server stages, not as the whole server', () => {
    expect(percentDone('rollback', 2, [finished('prepare'), finished('switch', 'a'), finished('switch', 'b')])).toBe(27);
  });

  it('counts a release as its six global and eight per-server stages', () => {
    const global = ['prepare', 'hook:before-checkout', 'checkout', 'hook:after-checkout', 'build', 'package'].map((s) => finished(s));
    expect(percentDone('release', 1, global)).toBe(42);
  });

  it('ignores stages outside the plan and the same stage finishing twice', () => {
    const events = [finished('prepare'), finished('prepare'), finished('rollback', 'a'), finished('switch', null)];
    expect(percentDone('rollback', 1, events)).toBe(16);
  });
});
