import { TRANSITIONS, type ReleaseState, type Transition } from '@rp/contract/release-states';
import type { Prisma, Release } from '../generated/prisma/client.js';
import type { ReleaseState as DbReleaseState } from '../generated/prisma/enums.js';
import { recordMove } from '../notifications/outbox.js';
import type { DbTx } from '../shared/db.js';
import { Conflict, NotFound } from '../shared/errors.js';

// The wire's states and the database enum must be the same set: each side has to accept the other's values.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const statesMatch: Same<ReleaseState, DbReleaseState> = true;
void statesMatch;

interface Move {
  id: string;
  action: Transition;
  data?: Omit<Prisma.ReleaseUncheckedUpdateManyInput, 'state'>;
  /** Further conditions the row must still meet, e.g. that the worker that went silent still owns it. */
  where?: Omit<Prisma.ReleaseWhereInput, 'id' | 'state'>;
}

/**
 * Applies a move of the release state table as one conditional UPDATE (`WHERE state IN from`), so two people pressing
 * buttons at once, or an API process and a worker, can never both win: the loser gets a 409 naming the state.
 */
export async function transition(db: DbTx, move: Move): Promise<Release> {
  const moved = await tryTransition(db, move);
  const release = await db.release.findUnique({ where: { id: move.id } });
  if (!release) throw new NotFound('Release');
  if (!moved) {
    const { from } = TRANSITIONS[move.action];
    throw new Conflict(`Cannot ${move.action} a release that is ${release.state}`, { state: release.state, allowedFrom: from });
  }
  return release;
}

/**
 * The same conditional UPDATE for the worker's own bookkeeping, where losing the race is expected and harmless (a
 * pause of a run already reaped as interrupted, a stale run that heartbeated or was reaped by another worker
 * meanwhile): says whether the move happened instead of answering 409. Every move that happens writes its
 * notification to the outbox here, so no caller can change a state without it; `db` must be a transaction for the
 * two to commit together.
 */
export async function tryTransition(db: DbTx, { id, action, data = {}, where = {} }: Move): Promise<boolean> {
  const { from, to } = TRANSITIONS[action];
  const updated = await db.release.updateMany({ where: { ...where, id, state: { in: [...from] } }, data: { ...data, state: to } });
  if (updated.count === 0) return false;
  await recordMove(db, id, action);
  return true;
}
