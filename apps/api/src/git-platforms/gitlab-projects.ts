import type { GitLabClient } from './gitlab-client.js';
import { remoteProjectOf, time, type RemoteProject } from './remote-projects.js';

const PER_PAGE = 100;

/** GitLab's project JSON as stored, or null for an entry without the fields a project needs. */
export function fromGitLab(raw: unknown): RemoteProject | null {
  const p = (raw ?? {}) as Record<string, unknown>;
  return remoteProjectOf(p, {
    id: p.id,
    path: p.path_with_namespace,
    httpUrl: p.http_url_to_repo,
    sshUrl: p.ssh_url_to_repo,
    webUrl: p.web_url,
    archived: p.archived === true,
    lastActivityAt: time(p.last_activity_at),
  });
}

/**
 * The projects the token's user is a member of, a page at a time, by keyset pagination on id (offset pagination
 * gets slow and is capped on large instances); with `since`, only those active after it.
 */
export async function* gitlabProjectPages(api: GitLabClient, since?: Date): AsyncGenerator<RemoteProject[]> {
  let idAfter: number | undefined;
  for (;;) {
    const page = (await api.Projects.all({
      membership: true,
      pagination: 'keyset',
      orderBy: 'id',
      sort: 'asc',
      perPage: PER_PAGE,
      maxPages: 1,
      ...(idAfter === undefined ? {} : { idAfter }),
      ...(since ? { lastActivityAfter: since.toISOString() } : {}),
    })) as unknown[];
    const projects = page.map(fromGitLab).filter((p): p is RemoteProject => p !== null);
    if (projects.length > 0) yield projects;
    const last = (page.at(-1) as { id?: unknown } | undefined)?.id;
    if (page.length < PER_PAGE || typeof last !== 'number') return;
    idAfter = last;
  }
}
