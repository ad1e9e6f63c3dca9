import { http, query } from './http';
import type { Page, PageQuery, User } from './types';

/** A user as the administrators' endpoints return it. */
export interface UserAccount extends User {
  disabled: boolean;
  lastLoginAt: string | null;
  createdAt: string;
}

export interface UserQuery extends PageQuery {
  /** Matches username or display name. */
  q?: string;
  disabled?: boolean;
}

/** The API's password rule (bcrypt reads at most 72 bytes, so longer passwords are refused rather than cut). */
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 72;
export const USERNAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export interface CreateUserBody {
  username: string;
  displayName?: string;
  email?: string | null;
  password: string;
  isAdmin?: boolean;
}

export interface UpdateUserBody {
  displayName?: string;
  email?: string | null;
  /** Resets the password and ends the user's sessions. */
  password?: string;
  isAdmin?: boolean;
  /** Disabling ends the user's sessions. */
  disabled?: boolean;
}

export interface ChangePasswordBody {
  currentPassword: string;
  newPassword: string;
}

const one = (id: string) => `/users/${encodeURIComponent(id)}`;

export function listUsers(params: UserQuery = {}): Promise<Page<UserAccount>> {
  return http.get(`/users${query({ ...params })}`);
}

export function createUser(body: CreateUserBody): Promise<UserAccount> {
  return http.post('/users', body);
}

export function getUser(id: string): Promise<UserAccount> {
  return http.get(one(id));
}

export function updateUser(id: string, body: UpdateUserBody): Promise<UserAccount> {
  return http.patch(one(id), body);
}

export function deleteUser(id: string): Promise<void> {
  return http.delete(one(id));
}

/**
 * The signed-in user's own password; the API ends every session of the user, this one included. A wrong current
 * password is a 401 (`ApiError` status 401), which here stays an answer instead of ending the session.
 */
export function changeOwnPassword(body: ChangePasswordBody): Promise<void> {
  return http.post('/auth/password', body, { unauthorizedIsAnswer: true });
}
