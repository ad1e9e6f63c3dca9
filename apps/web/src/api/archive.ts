import { listReleases } from './releases';
import { http } from './http';

/** What the API archives instead of deleting while releases point at it. */
export type ArchivableKind = 'group' | 'project' | 'environment';

const one = (kind: ArchivableKind, id: string) => `/${kind}s/${encodeURIComponent(id)}`;

/** Administrators: brings an archived group, project or environment back. */
export function unarchive(kind: ArchivableKind, id: string): Promise<void> {
  return http.post(`${one(kind, id)}/unarchive`);
}

/** Administrators: deletes it for good, with its releases and logs; the audit log keeps its entries. */
export function purge(kind: ArchivableKind, id: string): Promise<void> {
  return http.post(`${one(kind, id)}/purge`);
}

/** Whether deleting would archive (releases point at it) rather than delete; groups are not counted here. */
export async function hasReleases(kind: 'project' | 'environment', id: string): Promise<boolean> {
  const page = await listReleases({ [kind === 'project' ? 'projectId' : 'environmentId']: id, pageSize: 1 });
  return page.total > 0;
}
