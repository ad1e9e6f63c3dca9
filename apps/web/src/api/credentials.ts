import type { CreateCredentialBody, CredentialQuery, CredentialView, UpdateCredentialBody } from '@rp/contract/credentials';
import { http, query } from './http';
import type { ListQuery, Page } from './types';

export type { CreateCredentialBody, UpdateCredentialBody } from '@rp/contract/credentials';
export { CREDENTIAL_KINDS, type CredentialKind } from '@rp/contract/rules';
/** Metadata only: the API keeps private keys and tokens as ciphertext and never sends them back. */
export type Credential = CredentialView;

const one = (id: string) => `/credentials/${encodeURIComponent(id)}`;

export function listCredentials(params: ListQuery<CredentialQuery> = {}): Promise<Page<Credential>> {
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
