import type { GitPlatformKind } from '@rp/contract/rules';

/** The web address as stored: no trailing slash, so API paths join onto it the same way every time. */
export const normaliseBaseUrl = (url: string) => url.replace(/\/+$/, '');

/**
 * Where a platform's REST API lives, from its web address: GitLab under `/api/v4` (a self-hosted one may sit under
 * a sub-path), GitHub.com at api.github.com and GitHub Enterprise under `/api/v3`, Gitee under `/api/v5`.
 */
export function apiBaseOf(kind: GitPlatformKind, baseUrl: string): string {
  const base = normaliseBaseUrl(baseUrl);
  if (kind === 'gitlab') return `${base}/api/v4`;
  if (kind === 'gitee') return `${base}/api/v5`;
  return /^https:\/\/(www\.)?github\.com$/i.test(base) ? 'https://api.github.com' : `${base}/api/v3`;
}
