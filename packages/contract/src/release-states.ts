/** Every state a release can be in; the database enum has the same members (the API fails to compile otherwise). */
export const RELEASE_STATES = [
  'pending_approval',
  'approved',
  'rejected',
  'queued',
  'running',
  'paused',
  'succeeded',
  'failed',
  'aborted',
  'interrupted',
  'cancelled',
] as const;
export type ReleaseState = (typeof RELEASE_STATES)[number];

/**
 * Every legal move of a release. The API applies one as a conditional update (`releases/state-machine.ts`); the SPA
 * asks `canTransition` which buttons to offer, so a button never offers a move the server would refuse.
 */
export const TRANSITIONS = {
  approve: { from: ['pending_approval'], to: 'approved' },
  reject: { from: ['pending_approval'], to: 'rejected' },
  enqueue: { from: ['approved'], to: 'queued' },
  cancel: { from: ['pending_approval', 'approved', 'queued'], to: 'cancelled' },
  claim: { from: ['queued'], to: 'running' },
  pause: { from: ['running'], to: 'paused' },
  resume: { from: ['paused'], to: 'running' },
  succeed: { from: ['running', 'paused'], to: 'succeeded' },
  fail: { from: ['running', 'paused'], to: 'failed' },
  abort: { from: ['running', 'paused'], to: 'aborted' },
  interrupt: { from: ['running', 'paused'], to: 'interrupted' },
  retry: { from: ['failed', 'aborted', 'interrupted'], to: 'queued' },
} as const satisfies Record<string, { from: readonly ReleaseState[]; to: ReleaseState }>;

export type Transition = keyof typeof TRANSITIONS;

export const ACTIVE_STATES: readonly ReleaseState[] = ['running', 'paused'];
export const FINAL_STATES: readonly ReleaseState[] = ['succeeded', 'failed', 'aborted', 'rejected', 'cancelled', 'interrupted'];

export function canTransition(state: ReleaseState, action: Transition): boolean {
  return (TRANSITIONS[action].from as readonly ReleaseState[]).includes(state);
}
