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
