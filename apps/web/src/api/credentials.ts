import { http, query } from './http';
import type { Page, PageQuery } from './types';

export const CREDENTIAL_KINDS = ['ssh_key', 'git_token'] as const;
export type CredentialKind = (typeof CREDENTIAL_KINDS)[number];

/** Metadata only: the API keeps private keys and tokens as ciphertext and never sends them back. */
export interface Credential {
  id: string;
  /** null: a global credential, usable by every group. */
  groupId: string | null;
  name: string;
  description: string;
  kind: CredentialKind;
  username: string | null;
  /** ssh_key: the OpenSSH public key line for `authorized_keys`. */
  publicKey: string | null;
  /** ssh_key: SHA256 fingerprint of the public key. */
  fingerprint: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface CredentialQuery extends PageQuery {
  q?: string;
  groupId?: string;
  /** true: only global credentials; false: only group ones. */
  global?: boolean;
  kind?: CredentialKind;
}

/**
 * ssh_key: either `generate: true` (ed25519) or an unencrypted `privateKey`; git_token: `token` and optionally
 * `username`. The API refuses any other mix.
 */
export interface CreateCredentialBody {
  groupId?: string | null;
  name: string;
  description?: string;
  kind: CredentialKind;
  privateKey?: string;
  generate?: boolean;
  username?: string;
  token?: string;
}

export interface UpdateCredentialBody {
  name?: string;
  description?: string;
  username?: string | null;
  privateKey?: string;
  token?: string;
}

const one = (id: string) => `/credentials/${encodeURIComponent(id)}`;

export function listCredentials(params: CredentialQuery = {}): Promise<Page<Credential>> {
  return http.get(`/credentials${query({ ...params })}`);
}

export function getCredential(id: string): Promise<Credential> {
  return http.get(one(id));
}

export function createCredential(body: CreateCredentialBody): Promise<Credential> {
  return http.post('/credentials', body);
}

export function updateCredential(id: string, body: UpdateCredentialBody): Promise<Credential> {
  return http.patch(one(id), body);
}

/** 409 CONFLICT while a server or project still uses the credential. */
export function deleteCredential(id: string): Promise<void> {
  return http.delete(one(id));
}
