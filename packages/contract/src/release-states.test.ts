import { describe, expect, it } from 'vitest';
import { canTransition, FINAL_STATES, TRANSITIONS } from './release-states.js';

describe('release state machine', () => {
  it('follows pending_approval → approved → queued → running ⇄ paused → final', () => {
    expect(canTransition('pending_approval', 'approve')).toBe(true);
    expect(canTransition('approved', 'enqueue')).toBe(true);
    expect(canTransition('queued', 'claim')).toBe(true);
    expect(canTransition('running', 'pause')).toBe(true);
    expect(canTransition('paused', 'resume')).toBe(true);
    expect(canTransition('running', 'succeed')).toBe(true);
  });

  it('never leaves a final state except by retrying a failed, aborted or interrupted one', () => {
    for (const state of FINAL_STATES) {
      const exits = Object.entries(TRANSITIONS)
        .filter(([, t]) => (t.from as readonly string[]).includes(state))
        .map(([name]) => name);
      expect(exits).toEqual(['failed', 'aborted', 'interrupted'].includes(state) ? ['retry'] : []);
    }
  });

  it('refuses the moves people get wrong', () => {
    expect(canTransition('pending_approval', 'claim')).toBe(false);
    expect(canTransition('running', 'cancel')).toBe(false);
    expect(canTransition('succeeded', 'retry')).toBe(false);
    expect(canTransition('queued', 'approve')).toBe(false);
  });
});
