import { i18n } from '@/locales';
import { useAuthStore } from '@/stores/auth';
import { ApiError, http, query } from './http';
import type { GroupRole, Page, PageQuery } from './types';

export const GROUP_ROLES: readonly GroupRole[] = ['owner', 'developer', 'viewer'];

export interface Group {
  id: string;
  name: string;
  description: string;
  memberCount: number;
  /** The signed-in user's role; null for administrators who are not members. */
  myRole: GroupRole | null;
  createdAt: string;
  updatedAt: string;
}

export interface GroupQuery extends PageQuery {
  q?: string;
}

export interface CreateGroupBody {
  name: string;
  description?: string;
}

export type UpdateGroupBody = Partial<CreateGroupBody>;

export interface Member {
  userId: string;
  username: string;
  displayName: string;
  role: GroupRole;
  createdAt: string;
}

const one = (id: string) => `/groups/${encodeURIComponent(id)}`;
const member = (groupId: string, userId: string) => `${one(groupId)}/members/${encodeURIComponent(userId)}`;

/**
 * The members endpoint is the API's only PUT and the shared client sends none, so this sends it with the same
 * session header and error mapping: a refused change still shows the API's own message.
 */
async function put<T>(path: string, body: unknown): Promise<T> {
  const token = useAuthStore().token;
  const headers: Record<string, string> = { Accept: 'application/json', 'Content-Type': 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  let res: Response;
  try {
    res = await fetch(`/api${path}`, { method: 'PUT', headers, body: JSON.stringify(body) });
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
  // An expired session: the shared client's own 401 handling signs out and sends the user to the login page.
  if (res.status === 401 && token) await http.get('/auth/me');
  const error = (parsed as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error;
  if (error && typeof error.code === 'string' && typeof error.message === 'string') {
    throw new ApiError(res.status, error.code, error.message, error.details);
  }
  throw new ApiError(res.status, 'HTTP_ERROR', i18n.global.t('errors.unexpected', { status: res.status }));
}

/** Groups the user belongs to; administrators see every group. */
export function listGroups(params: GroupQuery = {}): Promise<Page<Group>> {
  return http.get(`/groups${query({ ...params })}`);
}

export function createGroup(body: CreateGroupBody): Promise<Group> {
  return http.post('/groups', body);
}

export function getGroup(id: string): Promise<Group> {
  return http.get(one(id));
}

export function updateGroup(id: string, body: UpdateGroupBody): Promise<Group> {
  return http.patch(one(id), body);
}

export function deleteGroup(id: string): Promise<void> {
  return http.delete(one(id));
}

export function listMembers(groupId: string, params: PageQuery = {}): Promise<Page<Member>> {
  return http.get(`${one(groupId)}/members${query({ ...params })}`);
}

/** Adds the user, or changes the role of a member. */
export function setMember(groupId: string, userId: string, role: GroupRole): Promise<Member> {
  return put(member(groupId, userId), { role });
}

export function removeMember(groupId: string, userId: string): Promise<void> {
  return http.delete(member(groupId, userId));
}
