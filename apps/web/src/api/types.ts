export type GroupRole = 'owner' | 'developer' | 'viewer';

export interface Membership {
  groupId: string;
  groupName: string;
  role: GroupRole;
}

export interface User {
  id: string;
  username: string;
  displayName: string;
  email: string | null;
  isAdmin: boolean;
  memberships: Membership[];
}

export interface LoginRequest {
  username: string;
  password: string;
}

export interface LoginResponse {
  token: string;
  expiresAt: string;
  user: User;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

export interface PageQuery {
  page?: number;
  pageSize?: number;
}

/** A batch is a server count or a percentage of the environment ("25%"); sizes are cumulative. */
export type BatchSize = number | string;

export type BetweenBatches = { mode: 'auto'; seconds: number } | { mode: 'manual' };

export interface RolloutSpec {
  strategy: 'parallel' | 'serial' | 'batches';
  concurrency?: number;
  batches?: BatchSize[];
  betweenBatches?: BetweenBatches;
  failure?: { tolerate: number };
  autoRollback?: boolean;
}
