import type { Prisma, Release } from '../generated/prisma/client.js';
import type { ReleaseState } from '../generated/prisma/enums.js';
import type { DbTx } from '../shared/db.js';
import { Conflict, NotFound } from '../shared/errors.js';

/**
 * Every legal move of a release. A transition is one conditional UPDATE (`WHERE state IN from`), so two people
 * pressing buttons at once, or an API process and a worker, can never both win: the loser gets a 409 naming the state.
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

export async function transition(
  db: DbTx,
  id: string,
  action: Transition,
  data: Omit<Prisma.ReleaseUncheckedUpdateManyInput, 'state'> = {},
): Promise<Release> {
  const { from, to } = TRANSITIONS[action];
  const updated = await db.release.updateMany({ where: { id, state: { in: [...from] } }, data: { ...data, state: to } });
  const release = await db.release.findUnique({ where: { id } });
  if (!release) throw new NotFound('Release');
  if (updated.count === 0) {
    throw new Conflict(`Cannot ${action} a release that is ${release.state}`, { state: release.state, allowedFrom: from });
  }
  return release;
}
