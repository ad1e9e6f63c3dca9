import type { ConnectionTestResult, CreateServerBody, ServerQuery, ServerView, UpdateServerBody } from '@rp/contract/servers';
import { http, query } from './http';
import type { ListQuery, Page } from './types';

export type { ConnectionTestResult, CreateServerBody, UpdateServerBody } from '@rp/contract/servers';
export type Server = ServerView;

const one = (id: string) => `/servers/${encodeURIComponent(id)}`;

export function listServers(params: ListQuery<ServerQuery> = {}): Promise<Page<Server>> {
  return http.get(`/servers${query({ ...params })}`);
}

export function getServer(id: string): Promise<Server> {
  return http.get(one(id));
}

export function createServer(body: CreateServerBody): Promise<Server> {
  return http.post('/servers', body);
}

export function updateServer(id: string, body: UpdateServerBody): Promise<Server> {
  return http.patch(one(id), body);
}

/** 409 CONFLICT while an environment uses the server or release history names it. */
export function deleteServer(id: string): Promise<void> {
  return http.delete(one(id));
}

export function testServerConnection(id: string): Promise<ConnectionTestResult> {
  return http.post(`${one(id)}/test`);
}

/** Administrators only: forgets the pinned host key so the next connection pins whatever the host presents. */
export function resetServerHostKey(id: string): Promise<Server> {
  return http.post(`${one(id)}/host-key/reset`);
}
