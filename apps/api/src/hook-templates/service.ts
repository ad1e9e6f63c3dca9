import type { Static } from 'typebox';
import type { HookTemplate, Prisma } from '../generated/prisma/client.js';
import { auditChanges } from '../audit/changes.js';
import { recordAudit } from '../audit/service.js';
import type { Actor, RequestContext } from '../plugins/app/auth/actor.js';
import { hooksOf } from '../projects/service.js';
import type { Db, DbTx } from '../shared/db.js';
import { Conflict, Invalid, NotFound } from '../shared/errors.js';
import { pageArgs } from '../shared/pagination.js';
import type { CreateHookTemplateBody, HookTemplateQuery, UpdateHookTemplateBody } from '@rp/contract/hook-templates';
import { assertWritable } from '../archive/service.js';

const view = (row: HookTemplate) => ({
  id: row.id,
  groupId: row.groupId,
  name: row.name,
  description: row.description,
  script: row.script,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

interface WriteDeps {
  db: Db;
  ctx: RequestContext;
}

export async function listHookTemplates({ db, actor }: { db: Db; actor: Actor }, query: Static<typeof HookTemplateQuery>) {
  const visible: Prisma.HookTemplateWhereInput = actor.isAdmin ? {} : { OR: [{ groupId: { in: [...actor.roles.keys()] } }, { groupId: null }] };
  const filter: Prisma.HookTemplateWhereInput = { name: query.q ? { contains: query.q, mode: 'insensitive' } : undefined };
  if (query.global === true) filter.groupId = null;
  else if (query.groupId) filter.groupId = query.groupId;
  else if (query.global === false) filter.groupId = { not: null };
  const where: Prisma.HookTemplateWhereInput = { AND: [visible, filter] };
  const [rows, total] = await Promise.all([
    db.hookTemplate.findMany({ where, orderBy: [{ name: 'asc' }, { id: 'asc' }], ...pageArgs(query.page, query.pageSize) }),
    db.hookTemplate.count({ where }),
  ]);
  return { items: rows.map(view), total, page: query.page, pageSize: query.pageSize };
}

export async function getHookTemplate({ db }: { db: Db }, { id }: { id: string }) {
  const row = await db.hookTemplate.findUnique({ where: { id } });
  if (!row) throw new NotFound('Hook template');
  return view(row);
}

/** PostgreSQL treats NULL group ids as distinct, so uniqueness of global names is checked here. */
async function assertNameFree(tx: DbTx, groupId: string | null, name: string, exceptId?: string) {
  const clash = await tx.hookTemplate.findFirst({ where: { groupId, name } });
  if (clash && clash.id !== exceptId) throw new Conflict(`Hook template "${name}" already exists here`, [{ field: 'name', message: 'already exists' }]);
}

/** "Save as template": the script comes from a project's hook, which must be in the template's group. */
async function scriptFrom(tx: DbTx, groupId: string | null, input: Static<typeof CreateHookTemplateBody>): Promise<string> {
  if ((input.script === undefined) === (input.fromProject === undefined)) throw new Invalid('body.script', 'send a script or fromProject (one of them)');
  if (input.script !== undefined) return input.script;
  const source = input.fromProject as NonNullable<typeof input.fromProject>;
  const project = await tx.project.findUnique({ where: { id: source.projectId } });
  if (!project || (groupId !== null && project.groupId !== groupId)) throw new Invalid('body.fromProject.projectId', 'must be a project of the template\'s group');
  const script = hooksOf(project.hooks)[source.stage];
  if (script === undefined) throw new Invalid('body.fromProject.stage', `project "${project.name}" has no ${source.stage} hook`);
  return script;
}

export async function createHookTemplate({ db, ctx }: WriteDeps, input: Static<typeof CreateHookTemplateBody>) {
  const groupId = input.groupId ?? null;
  return db.$transaction(async (tx) => {
    if (groupId) await assertWritable(tx, 'group', groupId);
    const script = await scriptFrom(tx, groupId, input);
    await assertNameFree(tx, groupId, input.name);
    const row = await tx.hookTemplate.create({ data: { groupId, name: input.name, description: input.description ?? '', script } });
    await recordAudit(tx, ctx, {
      action: 'hook_template.create',
      resourceType: 'hook_template',
      resourceId: row.id,
      details: { name: row.name, groupId, ...(input.fromProject ? { fromProject: input.fromProject } : {}) },
    });
    return view(row);
  });
}

export async function updateHookTemplate({ db, ctx }: WriteDeps, { id, changes }: { id: string; changes: Static<typeof UpdateHookTemplateBody> }) {
  return db.$transaction(async (tx) => {
    const before = await tx.hookTemplate.findUnique({ where: { id } });
    if (!before) throw new NotFound('Hook template');
    if (changes.name) await assertNameFree(tx, before.groupId, changes.name, id);
    const row = await tx.hookTemplate.update({ where: { id }, data: changes });
    await recordAudit(tx, ctx, { action: 'hook_template.update', resourceType: 'hook_template', resourceId: id, details: { name: row.name, changes: auditChanges(before, row, { plain: ['name', 'description', 'script'] }) } });
    return view(row);
  });
}

export async function deleteHookTemplate({ db, ctx }: WriteDeps, { id }: { id: string }) {
  await db.$transaction(async (tx) => {
    const row = await tx.hookTemplate.findUnique({ where: { id } });
    if (!row) throw new NotFound('Hook template');
    await tx.hookTemplate.delete({ where: { id } });
    await recordAudit(tx, ctx, { action: 'hook_template.delete', resourceType: 'hook_template', resourceId: id, details: { name: row.name, groupId: row.groupId } });
  });
}
