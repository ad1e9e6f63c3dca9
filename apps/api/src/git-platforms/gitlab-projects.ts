import type { GitLabClient } from './gitlab-client.js';

/** A project as the platform stores it, whichever Git platform it came from. */
export interface RemoteProject {
  /** The platform's id, as text: a bigint column, and GitLab's ids are integers of any size. */
  remoteId: string;
  pathWithNamespace: string;
  name: string;
  description: string;
  defaultBranch: string | null;
  httpUrl: string;
  sshUrl: string | null;
  webUrl: string;
  archived: boolean;
  lastActivityAt: string | null;
}

const PER_PAGE = 100;

const text = (value: unknown, max: number): string | null => (typeof value === 'string' && value.length > 0 ? value.slice(0, max) : null);
const time = (value: unknown): string | null => (typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? new Date(value).toISOString() : null);

/** GitLab's project JSON as stored, or null for an entry without the fields a project needs (the answer is not ours). */
export function fromGitLab(raw: unknown): RemoteProject | null {
  const p = raw as Record<string, unknown>;
  const id = p?.id;
  const path = text(p?.path_with_namespace, 1024);
  const httpUrl = text(p?.http_url_to_repo, 2048);
  const webUrl = text(p?.web_url, 2048);
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0 || !path || !httpUrl || !webUrl) return null;
  return {
    remoteId: String(id),
    pathWithNamespace: path,
    name: text(p.name, 255) ?? path,
    description: text(p.description, 10_000) ?? '',
    defaultBranch: text(p.default_branch, 255),
    httpUrl,
    sshUrl: text(p.ssh_url_to_repo, 2048),
    webUrl,
    archived: p.archived === true,
    lastActivityAt: time(p.last_activity_at),
  };
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
