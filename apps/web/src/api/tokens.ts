import type { CreatedToken, CreateTokenBody, TokenQuery, TokenView } from '@rp/contract/tokens';
import { http, query } from './http';
import type { ListQuery, Page } from './types';

export type { CreatedToken } from '@rp/contract/tokens';
export type ApiToken = TokenView;
export type TokenScope = TokenView['scope'];
export const TOKEN_SCOPES: readonly TokenScope[] = ['read', 'release', 'admin'];

export function listTokens(params: ListQuery<TokenQuery> = {}): Promise<Page<ApiToken>> {
  return http.get(`/tokens${query({ ...params })}`);
}

export function createToken(body: CreateTokenBody): Promise<CreatedToken> {
  return http.post('/tokens', body);
}

export function revokeToken(id: string): Promise<void> {
  return http.delete(`/tokens/${encodeURIComponent(id)}`);
}
