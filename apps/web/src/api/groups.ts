import type { CreateGroupBody, GroupQuery, GroupView, MemberView, UpdateGroupBody } from '@rp/contract/groups';
import { http, query } from './http';
import type { GroupRole, ListQuery, Page, PageQuery } from './types';

export type Group = GroupView;
export type Member = MemberView;
export const GROUP_ROLES: readonly GroupRole[] = ['owner', 'developer', 'viewer'];

const one = (id: string) => `/groups/${encodeURIComponent(id)}`;
const member = (groupId: string, userId: string) => `${one(groupId)}/members/${encodeURIComponent(userId)}`;

/** Groups the user belongs to; administrators see every group. */
export function listGroups(params: ListQuery<GroupQuery> = {}): Promise<Page<Group>> {
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

/** Adds the user, or changes the role of a member (the API's only PUT, which the shared client does not send). */
export function setMember(groupId: string, userId: string, role: GroupRole): Promise<Member> {
  return http.put(member(groupId, userId), { role });
}

export function removeMember(groupId: string, userId: string): Promise<void> {
  return http.delete(member(groupId, userId));
}
