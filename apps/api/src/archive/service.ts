import { FINAL_STATES } from '@rp/contract/release-states';
import type { ArchivedFilter } from '@rp/contract/fields';
import type { Prisma } from '../generated/prisma/client.js';
import { recordAudit } from '../audit/service.js';
import type { RequestContext } from '../plugins/app/auth/actor.js';
import type { Db, DbTx } from '../shared/db.js';
import { Conflict, DomainError, NotFound } from '../shared/errors.js';
import { notifyAccessChanged } from '../channels.js';

/**
 * Groups, projects and environments that releases point at are archived, never deleted by their owners: the
 * releases, their logs and the audit trail stay readable. An archived row is read-only, and so is everything under
 * it (a project of an archived group, an environment of an archived project): the check walks up the parents
 * instead of stamping every child, so unarchiving the parent brings its children back exactly as they were.
 */
export type Archivable = 'group' | 'project' | 'environment';

const LABEL: Record<Archivable, string> = { group: 'Group', project: 'Project', environment: 'Environment' };

export class Archived extends DomainError {
  constructor(kind: Archivable, name: string) {
    super('ARCHIVED', 409, `${LABEL[kind]} "${name}" is archived and read-only; an administrator can unarchive it`, { kind, name });
  }
}

interface Level {
  kind: Archivable;
  name: string;
  archivedAt: Date | null;
}

const named = { name: true, archivedAt: true } as const;

/** The row and its parents, nearest first; NotFound when the row does not exist. */
async function lineage(db: DbTx, kind: Archivable, id: string): Promise<[Level, ...Level[]]> {
  if (kind === 'group') {
    const group = await db.group.findUnique({ where: { id }, select: named });
    if (!group) throw new NotFound(LABEL.group);
    return [{ kind, ...group }];
  }
  if (kind === 'project') {
    const project = await db.project.findUnique({ where: { id }, select: { ...named, group: { select: named } } });
    if (!project) throw new NotFound(LABEL.project);
    return [{ kind, ...project }, { kind: 'group', ...project.group }];
  }
  const environment = await db.environment.findUnique({ where: { id }, select: { ...named, project: { select: { ...named, group: { select: named } } } } });
  if (!environment) throw new NotFound(LABEL.environment);
  const { project } = environment;
  return [{ kind, ...environment }, { kind: 'project', ...project }, { kind: 'group', ...project.group }];
}

/** Every write on a group, project or environment (or under one) calls this first: archived means read-only. */
export async function assertWritable(db: DbTx, kind: Archivable, id: string): Promise<Level> {
  const levels = await lineage(db, kind, id);
  const archived = levels.find((level) => level.archivedAt);
  if (archived) throw new Archived(archived.kind, archived.name);
  return levels[0];
}

/** When a row counts as archived: its own stamp, else its project's or group's. */
export const archivedAtOf = (...stamps: (Date | null | undefined)[]) => stamps.find((stamp) => stamp)?.toISOString() ?? null;

// Environments are only ever listed within their project, so their own stamp is the one that decides.
const LIVE = {
  group: { archivedAt: null },
  project: { archivedAt: null, group: { archivedAt: null } },
  environment: { archivedAt: null },
} as const satisfies { group: Prisma.GroupWhereInput; project: Prisma.ProjectWhereInput; environment: Prisma.EnvironmentWhereInput };

/** The where-clause of a list's `archived` filter: live rows only by default, everything, or archived rows only. */
export function archivedFilter<K extends Archivable>(kind: K, filter: ArchivedFilter | undefined) {
  if (filter === 'true') return {};
  return filter === 'only' ? { NOT: LIVE[kind] } : LIVE[kind];
}

function releasesOf(kind: Archivable, id: string): Prisma.ReleaseWhereInput {
  if (kind === 'group') return { project: { groupId: id } };
  return kind === 'project' ? { projectId: id } : { environmentId: id };
}

/** Archiving or deleting under a release that may still run would pull the ground from under it. */
async function releaseCount(db: DbTx, kind: Archivable, id: string, name: string): Promise<number> {
  const where = releasesOf(kind, id);
  const unfinished = await db.release.count({ where: { ...where, state: { notIn: [...FINAL_STATES] } } });
  if (unfinished > 0) {
    throw new Conflict(
      `${LABEL[kind]} "${name}" has ${unfinished} release(s) waiting for approval, queued or running; let them finish or cancel them first`,
      { unfinished },
    );
  }
  return db.release.count({ where });
}

/**
 * Deletes children before parents where the schema will not cascade for us: release targets and servers, servers and
 * credentials, projects and Git credentials are linked without ON DELETE, so one cascading statement from the group
 * would trip over its own rows.
 */
async function remove(db: DbTx, kind: Archivable, id: string) {
  await db.release.deleteMany({ where: releasesOf(kind, id) });
  if (kind === 'group') {
    await db.project.deleteMany({ where: { groupId: id } });
    await db.server.deleteMany({ where: { groupId: id } });
    await db.group.delete({ where: { id } });
  } else if (kind === 'project') await db.project.delete({ where: { id } });
  else await db.environment.delete({ where: { id } });
}

async function stamp(db: DbTx, kind: Archivable, id: string, archivedAt: Date | null) {
  if (kind === 'group') await db.group.update({ where: { id }, data: { archivedAt } });
  else if (kind === 'project') await db.project.update({ where: { id }, data: { archivedAt } });
  else await db.environment.update({ where: { id }, data: { archivedAt } });
}

interface Deps {
  db: Db;
  ctx: RequestContext;
}

/**
 * What an owner's DELETE does: archives the row when releases point at it (their history stays), deletes it when
 * nothing would be lost. Either way refused while one of its releases is unfinished.
 */
export async function deleteOrArchive({ db, ctx }: Deps, kind: Archivable, id: string) {
  await db.$transaction(async (tx) => {
    const { name } = await assertWritable(tx, kind, id);
    const releases = await releaseCount(tx, kind, id, name);
    const outcome = releases > 0 ? 'archive' : 'delete';
    if (releases > 0) await stamp(tx, kind, id, new Date());
    else await remove(tx, kind, id);
    await recordAudit(tx, ctx, { action: `${kind}.${outcome}`, resourceType: kind, resourceId: id, details: { name, releases } });
  });
}

/** Administrators only: brings an archived row back; its parents must be live first. */
export async function unarchive({ db, ctx }: Deps, kind: Archivable, id: string) {
  await db.$transaction(async (tx) => {
    const [self, ...parents] = await lineage(tx, kind, id);
    if (!self.archivedAt) throw new Conflict(`${LABEL[kind]} "${self.name}" is not archived`);
    const archivedParent = parents.find((level) => level.archivedAt);
    if (archivedParent) throw new Conflict(`Unarchive ${LABEL[archivedParent.kind].toLowerCase()} "${archivedParent.name}" first`);
    await stamp(tx, kind, id, null);
    await recordAudit(tx, ctx, { action: `${kind}.unarchive`, resourceType: kind, resourceId: id, details: { name: self.name } });
  });
}

/**
 * Administrators only: deletes the row with everything under it, releases and logs included. The audit log keeps
 * its entries: they copy names and ids rather than referencing rows, so nothing cascades into them.
 */
export async function purge({ db, ctx }: Deps, kind: Archivable, id: string) {
  await db.$transaction(async (tx) => {
    const [self] = await lineage(tx, kind, id);
    const releases = await releaseCount(tx, kind, id, self.name);
    await remove(tx, kind, id);
    // A purged group takes its memberships with it.
    if (kind === 'group') await notifyAccessChanged(tx, null);
    await recordAudit(tx, ctx, { action: `${kind}.purge`, resourceType: kind, resourceId: id, details: { name: self.name, releases } });
  });
}
