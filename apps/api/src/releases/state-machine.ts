import { TRANSITIONS, type ReleaseState, type Transition } from '@rp/contract/release-states';
import type { Prisma, Release } from '../generated/prisma/client.js';
import type { ReleaseState as DbReleaseState } from '../generated/prisma/enums.js';
import type { DbTx } from '../shared/db.js';
import { Conflict, NotFound } from '../shared/errors.js';

// The wire's states and the database enum must be the same set: each side has to accept the other's values.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const statesMatch: Same<ReleaseState, DbReleaseState> = true;
void statesMatch;

/**
 * Applies a move of the release state table as one conditional UPDATE (`WHERE state IN from`), so two people pressing
 * buttons at once, or an API process and a worker, can never both win: the loser gets a 409 naming the state.
 */
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
