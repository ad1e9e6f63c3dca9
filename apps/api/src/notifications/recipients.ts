import { policyOf } from '../environments/policy.js';
import type { DbTx } from '../shared/db.js';
import type { ReleaseFacts } from './facts.js';

export interface Person {
  id: string;
  email: string | null;
  dingtalkMobile: string | null;
  notifyPrefs: unknown;
}

const personFields = { id: true, email: true, dingtalkMobile: true, notifyPrefs: true } as const;

/**
 * Who may approve a release of the environment: the group's owners, and under a "named" policy the named people who
 * are still developers there. The creator is left out: a request for approval goes to someone else.
 */
export async function approversOf(db: DbTx, facts: ReleaseFacts): Promise<Person[]> {
  const environment = await db.environment.findUnique({ where: { id: facts.environmentId }, select: { policy: true } });
  const policy = policyOf(environment?.policy ?? {});
  const named = policy.approvers === 'named' ? policy.approverIds : [];
  const members = await db.membership.findMany({
    where: {
      groupId: facts.groupId,
      user: { disabled: false, id: { not: facts.creator.id } },
      OR: [{ role: 'owner' }, { role: 'developer', userId: { in: named } }],
    },
    select: { user: { select: personFields } },
  });
  return members.map((m) => m.user);
}

export async function peopleByIds(db: DbTx, ids: string[]): Promise<Person[]> {
  if (ids.length === 0) return [];
  return db.user.findMany({ where: { id: { in: ids }, disabled: false }, select: personFields });
}
