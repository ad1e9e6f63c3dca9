import type { ChangePasswordBody } from '@rp/contract/auth';
import type { CreateUserBody, UpdateUserBody, UserQuery, UserView } from '@rp/contract/users';
import { USERNAME_PATTERN as USERNAME_SOURCE } from '@rp/contract/rules';
import { http, query } from './http';
import type { ListQuery, Page } from './types';

export type { UpdateUserBody } from '@rp/contract/users';
export { PASSWORD_MAX, PASSWORD_MIN, passwordRuleBroken } from '@rp/contract/rules';
/** A user as the administrators' endpoints return it. */
export type UserAccount = UserView;
export const USERNAME_PATTERN = new RegExp(USERNAME_SOURCE);

const one = (id: string) => `/users/${encodeURIComponent(id)}`;

export function listUsers(params: ListQuery<UserQuery> = {}): Promise<Page<UserAccount>> {
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

/** Ends a lockout after failed logins before its time. */
export function unlockUser(id: string): Promise<UserAccount> {
  return http.post(`${one(id)}/unlock`);
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
