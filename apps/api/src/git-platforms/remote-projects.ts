import type { Db } from '../shared/db.js';
import type { RemoteProject } from './gitlab-projects.js';

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
