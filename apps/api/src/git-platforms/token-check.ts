import { GitbeakerRequestError, GitbeakerTimeoutError } from '@gitbeaker/rest';
import type { GitPlatformKind } from '@rp/contract/rules';
import { apiBaseOf } from './api-base.js';
import { githubHeaders } from './github-projects.js';
import { gitlabClient } from './gitlab-client.js';
import { getJson, PlatformError } from './json-api.js';

export interface TokenCheck {
  ok: boolean;
  message: string;
  user: string | null;
  scopes: string[];
}

const TIMEOUT_MS = 10_000;

/** Why a request failed, in words an operator can act on; never the token. */
function describeFailure(error: unknown): string {
  if (error instanceof GitbeakerTimeoutError) return `no answer within ${TIMEOUT_MS / 1000} s`;
  if (error instanceof GitbeakerRequestError) {
    const response = (error.cause as { response?: Response } | undefined)?.response;
    const status = response ? `HTTP ${response.status}` : 'request failed';
    if (response?.status === 401) return `${status}: the token was refused (wrong, expired or revoked)`;
    if (response?.status === 403) return `${status}: the token may not do this (${error.message})`;
    return `${status}: ${error.message}`;
  }
  if (error instanceof PlatformError) return error.message;
  if (error instanceof Error && error.name === 'TimeoutError') return `no answer within ${TIMEOUT_MS / 1000} s`;
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return `cannot reach it: ${cause?.code ?? cause?.message ?? (error as Error).message}`;
}

async function checkGitLab(baseUrl: string, token: string): Promise<TokenCheck> {
  const api = gitlabClient(baseUrl, token, { timeoutMs: TIMEOUT_MS });
  const user = await api.Users.showCurrentUser();
  // Tokens of GitLab before 15.5, and some deploy tokens, cannot describe themselves; the user still identifies them.
  const scopes = await api.PersonalAccessTokens.show().then(
    (self) => self.scopes ?? [],
    () => [] as string[],
  );
  return { ok: true, message: `signed in as ${user.username}`, user: user.username, scopes };
}

async function checkGitHub(baseUrl: string, token: string): Promise<TokenCheck> {
  const { body, headers } = await getJson(`${apiBaseOf('github', baseUrl)}/user`, { headers: githubHeaders(token), timeoutMs: TIMEOUT_MS });
  const login = String((body as { login?: unknown }).login ?? '');
  // Classic tokens list their scopes in this header; fine-grained ones have none to list.
  const scopes = (headers.get('x-oauth-scopes') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  return { ok: true, message: `signed in as ${login}`, user: login, scopes };
}

async function checkGitee(baseUrl: string, token: string): Promise<TokenCheck> {
  // Gitee's v5 API takes the token as the access_token parameter; no message ever shows the URL.
  const { body } = await getJson(`${apiBaseOf('gitee', baseUrl)}/user?access_token=${encodeURIComponent(token)}`, { timeoutMs: TIMEOUT_MS });
  const login = String((body as { login?: unknown }).login ?? '');
  return { ok: true, message: `signed in as ${login}`, user: login, scopes: [] };
}

const CHECKS: Record<GitPlatformKind, (baseUrl: string, token: string) => Promise<TokenCheck>> = { gitlab: checkGitLab, github: checkGitHub, gitee: checkGitee };

/** Asks the platform who the token belongs to and what it may do; a failure is an answer, not an exception. */
export async function checkToken(kind: GitPlatformKind, baseUrl: string, token: string): Promise<TokenCheck> {
  try {
    return await CHECKS[kind](baseUrl, token);
  } catch (error) {
    const message = describeFailure(error).replaceAll(token, '***');
    return { ok: false, message, user: null, scopes: [] };
  }
}
