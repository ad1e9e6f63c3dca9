import { http, query } from './http';
import type { Page, PageQuery } from './types';

export interface Server {
  id: string;
  groupId: string;
  name: string;
  description: string;
  host: string;
  port: number;
  username: string;
  credentialId: string;
  credentialName: string;
  labels: string[];
  /** The pinned host key; null until the first connection pins it (trust on first use). */
  hostKeyFingerprint: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface ServerQuery extends PageQuery {
  /** Part of the name or host. */
  q?: string;
  groupId?: string;
  /** One exact label, e.g. `role=web`. */
  label?: string;
}

export interface CreateServerBody {
  groupId: string;
  name: string;
  description?: string;
  host: string;
  port?: number;
  username: string;
  /** An SSH key credential of the server's group or a global one. */
  credentialId: string;
  labels?: string[];
  hostKeyFingerprint?: string;
}

/** The group and the pinned host key cannot change here; only an administrator resets the key. */
export type UpdateServerBody = Partial<Omit<CreateServerBody, 'groupId' | 'hostKeyFingerprint'>>;

/** An unreachable host is a result (`ok: false` with `errorCode`/`error`), not an HTTP error. */
export interface ConnectionTestResult {
  ok: boolean;
  latencyMs: number;
  /** The host key the server presented and was accepted. */
  fingerprint: string | null;
  /** true when this test pinned the fingerprint. */
  learned: boolean;
  /** `uname -a` on the server. */
  output?: string;
  errorCode?: string;
  error?: string;
}

const one = (id: string) => `/servers/${encodeURIComponent(id)}`;

export function listServers(params: ServerQuery = {}): Promise<Page<Server>> {
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
