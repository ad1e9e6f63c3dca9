import { apiBaseOf } from './api-base.js';
import { getList } from './json-api.js';
import type { PatienceOptions } from './patient-fetch.js';
import { later, remoteProjectOf, type RemoteProject } from './remote-projects.js';

const PER_PAGE = 100;
const TIMEOUT_MS = 30_000;
/** The `status` of a repository closed on Gitee; an open one says "开始". */
const CLOSED = '关闭';

/**
 * A repository of Gitee's JSON as stored, or null for an entry without the fields a project needs. Gitee's listing
 * gives `html_url` with `.git` on the end and no clone URL: the web page is the address without it.
 */
export function fromGitee(p: Record<string, unknown>): RemoteProject | null {
  const webUrl = typeof p.html_url === 'string' ? p.html_url.replace(/\.git$/, '') : null;
  return remoteProjectOf(p, {
    id: p.id,
    path: p.full_name,
    httpUrl: p.clone_url ?? (webUrl && `${webUrl}.git`),
    sshUrl: p.ssh_url,
    webUrl,
    archived: p.archived === true || p.status === CLOSED,
    lastActivityAt: later(p.pushed_at, p.updated_at),
  });
}

const olderThan = (project: RemoteProject, since: Date) => project.lastActivityAt === null || Date.parse(project.lastActivityAt) < since.getTime();

/**
 * The repositories the token's user can see, a page at a time up to the `total_page` Gitee reports. A full listing
 * goes by creation, oldest first, so a repository pushed to meanwhile keeps its place. Gitee has no `since`
 * parameter: an incremental sync lists by update, newest first, keeps those updated after `since`, and stops at the
 * first page on which every repository is older.
 */
export async function* giteeProjectPages(baseUrl: string, token: string, o: { since?: Date; onWait?: PatienceOptions['onWait'] }): AsyncGenerator<RemoteProject[]> {
  const api = apiBaseOf('gitee', baseUrl);
  const order: Record<string, string> = o.since ? { sort: 'updated', direction: 'desc' } : { sort: 'created', direction: 'asc' };
  for (let page = 1; ; page += 1) {
    const query = new URLSearchParams({ access_token: token, per_page: String(PER_PAGE), page: String(page), ...order });
    const { items, headers } = await getList(`${api}/user/repos?${query}`, { timeoutMs: TIMEOUT_MS, onWait: o.onWait });
    const projects = items.map(fromGitee).filter((p): p is RemoteProject => p !== null);
    const { since } = o;
    const recent = since ? projects.filter((p) => !olderThan(p, since)) : projects;
    if (recent.length > 0) yield recent;
    const pages = Number(headers.get('total_page'));
    const lastPage = Number.isInteger(pages) && pages > 0 ? page >= pages : items.length < PER_PAGE;
    if (lastPage || items.length === 0 || (since && recent.length === 0)) return;
  }
}
