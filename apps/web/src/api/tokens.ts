import { http, query } from './http';
import type { Page, PageQuery } from './types';

export type TokenScope = 'read' | 'release' | 'admin';
export const TOKEN_SCOPES: readonly TokenScope[] = ['read', 'release', 'admin'];

export interface ApiToken {
  id: string;
  name: string;
  /** The token's first characters, to recognise it in a config file. */
  prefix: string;
  scope: TokenScope;
  userId: string;
  username: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
  createdAt: string;
}

export interface TokenQuery extends PageQuery {
  /** Every user's tokens (administrators only). */
  all?: boolean;
}

export interface CreateTokenBody {
  name: string;
  scope: TokenScope;
  expiresInDays?: number;
}

export interface CreatedToken {
  /** The secret itself: only its hash is stored, so this is the one time anyone sees it. */
  token: string;
  apiToken: ApiToken;
}

export function listTokens(params: TokenQuery = {}): Promise<Page<ApiToken>> {
  return http.get(`/tokens${query({ ...params })}`);
}

export function createToken(body: CreateTokenBody): Promise<CreatedToken> {
  return http.post('/tokens', body);
}

export function revokeToken(id: string): Promise<void> {
  return http.delete(`/tokens/${encodeURIComponent(id)}`);
}
