import type { Db } from '../shared/db.js';

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

const text = (value: unknown, max: number): string | null => (typeof value === 'string' && value.length > 0 ? value.slice(0, max) : null);
/** A time in ISO form, or null for anything that is not one. */
export const time = (value: unknown): string | null => (typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? new Date(value).toISOString() : null);
/** The later of two times (a push, a change of the repository), either of which may be missing. */
export const later = (a: unknown, b: unknown): string | null => [time(a), time(b)].filter((t) => t !== null).sort().at(-1) ?? null;

/** What each platform names its own way; name, description and default branch every platform names alike. */
export interface PlatformFields {
  id: unknown;
  path: unknown;
  httpUrl: unknown;
  sshUrl: unknown;
  webUrl: unknown;
  archived: boolean;
  lastActivityAt: string | null;
}

/**
 * A project of the platform's JSON as stored, or null for an entry without the fields a project needs: a positive
 * integer id, a path and its URLs. The answer is not ours, so every field is checked and cut to its column's size.
 */
export function remoteProjectOf(raw: Record<string, unknown>, f: PlatformFields): RemoteProject | null {
  const path = text(f.path, 1024);
  const httpUrl = text(f.httpUrl, 2048);
  const webUrl = text(f.webUrl, 2048);
  if (typeof f.id !== 'number' || !Number.isSafeInteger(f.id) || f.id <= 0 || !path || !httpUrl || !webUrl) return null;
  return {
    remoteId: String(f.id),
    pathWithNamespace: path,
    name: text(raw.name, 255) ?? path,
    description: text(raw.description, 10_000) ?? '',
    defaultBranch: text(raw.default_branch, 255),
    httpUrl,
    sshUrl: text(f.sshUrl, 2048),
    webUrl,
    archived: f.archived,
    lastActivityAt: f.lastActivityAt,
  };
}

/** Stores one page of a sync in one statement: new projects inserted, known ones updated, all marked seen. */
export async function storeProjects(db: Db, platformId: string, page: RemoteProject[], seenAt: Date): Promise<number> {
  if (page.length === 0) return 0;
  const column = <K extends keyof RemoteProject>(key: K) => page.map((p) => p[key]);
  return db.$executeRaw`
    INSERT INTO git_remote_projects
      (id, platform_id, remote_id, path_with_namespace, name, description, default_branch, http_url, ssh_url, web_url, archived, last_activity_at, seen_at)
    SELECT gen_random_uuid(), ${platformId}::uuid, r.remote_id, r.path, r.name, r.description, r.default_branch, r.http_url, r.ssh_url, r.web_url,
           r.archived, r.last_activity_at, ${seenAt}
      FROM unnest(${column('remoteId')}::bigint[], ${column('pathWithNamespace')}::text[], ${column('name')}::text[], ${column('description')}::text[],
                  ${column('defaultBranch')}::text[], ${column('httpUrl')}::text[], ${column('sshUrl')}::text[], ${column('webUrl')}::text[],
                  ${column('archived')}::boolean[], ${column('lastActivityAt')}::timestamptz[])
        AS r(remote_id, path, name, description, default_branch, http_url, ssh_url, web_url, archived, last_activity_at)
    ON CONFLICT (platform_id, remote_id) DO UPDATE SET
      path_with_namespace = EXCLUDED.path_with_namespace, name = EXCLUDED.name, description = EXCLUDED.description,
      default_branch = EXCLUDED.default_branch, http_url = EXCLUDED.http_url, ssh_url = EXCLUDED.ssh_url, web_url = EXCLUDED.web_url,
      archived = EXCLUDED.archived, last_activity_at = EXCLUDED.last_activity_at, seen_at = EXCLUDED.seen_at`;
}
