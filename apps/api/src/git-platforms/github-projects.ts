import { apiBaseOf } from './api-base.js';
import { getList, PlatformError } from './json-api.js';
import type { PatienceOptions } from './patient-fetch.js';
import { later, remoteProjectOf, type RemoteProject } from './remote-projects.js';

const PER_PAGE = 100;
const TIMEOUT_MS = 30_000;

/** What GitHub asks of every REST call: the token, its JSON media type and the API version the answers follow. */
export const githubHeaders = (token: string) => ({ accept: 'application/vnd.github+json', authorization: `Bearer ${token}`, 'x-github-api-version': '2022-11-28' });

/** A repository of GitHub's JSON as stored, or null for an entry without the fields a project needs. */
export function fromGitHub(p: Record<string, unknown>): RemoteProject | null {
  return remoteProjectOf(p, {
    id: p.id,
    path: p.full_name,
    httpUrl: p.clone_url,
    sshUrl: p.ssh_url,
    webUrl: p.html_url,
    archived: p.archived === true,
    lastActivityAt: later(p.pushed_at, p.updated_at),
  });
}

/** The `rel="next"` address of a Link header, only on the API's own origin: the token goes along to it. */
function nextPage(link: string | null, api: string): string | null {
  const next = link
    ?.split(',')
    .map((part) => /<([^>]+)>\s*;\s*rel="next"/.exec(part)?.[1])
    .find((href) => href !== undefined);
  if (!next) return null;
  const url = new URL(next, api);
  if (url.origin !== new URL(api).origin) throw new PlatformError(`the next page is on ${url.host}, where the token is never sent`);
  return url.href;
}

/**
 * The repositories the token's user owns, collaborates on or sees through an organisation, a page at a time,
 * following the Link header. A full listing goes by creation, oldest first: a repository pushed to while the sync
 * pages would move ahead in an order by update and be missed, and then dropped. With `since`, GitHub lists only
 * those updated after it, the newest first.
 */
export async function* githubProjectPages(baseUrl: string, token: string, o: { since?: Date; onWait?: PatienceOptions['onWait'] }): AsyncGenerator<RemoteProject[]> {
  const api = apiBaseOf('github', baseUrl);
  const order: Record<string, string> = o.since ? { sort: 'updated', direction: 'desc', since: o.since.toISOString() } : { sort: 'created', direction: 'asc' };
  const query = new URLSearchParams({ affiliation: 'owner,collaborator,organization_member', per_page: String(PER_PAGE), ...order });
  let url: string | null = `${api}/user/repos?${query}`;
  while (url) {
    const { items, headers } = await getList(url, { headers: githubHeaders(token), timeoutMs: TIMEOUT_MS, onWait: o.onWait });
    const projects = items.map(fromGitHub).filter((p): p is RemoteProject => p !== null);
    if (projects.length > 0) yield projects;
    url = nextPage(headers.get('link'), api);
  }
}
