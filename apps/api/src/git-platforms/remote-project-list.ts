import type { RemoteProjectQuery } from '@rp/contract/git-platforms';
import type { GitRemoteProject, Prisma } from '../generated/prisma/client.js';
import type { Db } from '../shared/db.js';
import { NotFound } from '../shared/errors.js';
import { pageArgs } from '../shared/pagination.js';

const remoteProjectView = (row: GitRemoteProject) => ({
  id: row.id,
  platformId: row.platformId,
  remoteId: row.remoteId.toString(),
  pathWithNamespace: row.pathWithNamespace,
  name: row.name,
  description: row.description,
  defaultBranch: row.defaultBranch,
  httpUrl: row.httpUrl,
  sshUrl: row.sshUrl,
  webUrl: row.webUrl,
  archived: row.archived,
  lastActivityAt: row.lastActivityAt?.toISOString() ?? null,
});

/** A page of a platform's synced projects, by path; `q` matches anywhere in the namespace or name. */
export async function listRemoteProjects({ db }: { db: Db }, { id, query }: { id: string; query: RemoteProjectQuery }) {
  if (!(await db.gitPlatform.count({ where: { id } }))) throw new NotFound('Git platform');
  const where: Prisma.GitRemoteProjectWhereInput = { platformId: id, archived: query.archived };
  if (query.q) where.OR = [{ pathWithNamespace: { contains: query.q, mode: 'insensitive' } }, { name: { contains: query.q, mode: 'insensitive' } }];
  const [rows, total] = await Promise.all([
    db.gitRemoteProject.findMany({ where, orderBy: [{ pathWithNamespace: 'asc' }, { id: 'asc' }], ...pageArgs(query.page, query.pageSize) }),
    db.gitRemoteProject.count({ where }),
  ]);
  return { items: rows.map(remoteProjectView), total, page: query.page, pageSize: query.pageSize };
}
