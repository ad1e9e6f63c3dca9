import { i18n } from '@/locales';
import { useAuthStore } from '@/stores/auth';
import { ApiError, http, query } from './http';
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

/**
 * For the two calls the shared client cannot make as needed: a PUT (it sends none) and the password change, whose
 * 401 means "wrong current password" — the shared client would read it as a dead session and sign the user out.
 * Same session header and error mapping as the shared client; `signOutOn401` hands a 401 to its session handling.
 */
export async function sendDirect<T>(method: 'PUT' | 'POST', path: string, body: unknown, signOutOn401: boolean): Promise<T> {
  const token = useAuthStore().token;
  const headers: Record<string, string> = { Accept: 'application/json', 'Content-Type': 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  let res: Response;
  try {
    res = await fetch(`/api${path}`, { method, headers, body: JSON.stringify(body) });
  } catch {
    throw new ApiError(0, 'NETWORK', i18n.global.t('errors.network'));
  }
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (res.ok) return parsed as T;
  // The shared client's own request meets the same 401, then signs out and sends the user to the login page.
  if (res.status === 401 && token && signOutOn401) await http.get('/auth/me');
  const error = (parsed as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error;
  if (error && typeof error.code === 'string' && typeof error.message === 'string') {
    throw new ApiError(res.status, error.code, error.message, error.details);
  }
  throw new ApiError(res.status, 'HTTP_ERROR', i18n.global.t('errors.unexpected', { status: res.status }));
}

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
  return sendDirect('POST', '/auth/password', body, false);
}
