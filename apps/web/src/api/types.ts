export type { Page } from '@rp/contract/common';
export type { RolloutSpec } from '@rp/contract/rollout';
export type { SessionView as LoginResponse, LoginBody as LoginRequest } from '@rp/contract/auth';
import type { RolloutSpec } from '@rp/contract/rollout';
import type { Role } from '@rp/contract/groups';
import type { UserView } from '@rp/contract/users';

export type GroupRole = Role;

/** What the shell uses of the signed-in user (`/auth/me` sends the whole account). */
export type User = Pick<UserView, 'id' | 'username' | 'displayName' | 'email' | 'isAdmin' | 'memberships'>;

/** What a list call may send: the API fills in the page and page size it leaves out. */
export type ListQuery<Q> = Partial<Q>;

export interface PageQuery {
  page?: number;
  pageSize?: number;
}

/** A batch is a server count or a percentage of the environment ("25%"); sizes are cumulative. */
export type BatchSize = NonNullable<RolloutSpec['batches']>[number];

export type BetweenBatches = NonNullable<RolloutSpec['betweenBatches']>;
