import type { ScaleOutBody, ScaleOutResult } from '@rp/contract/scale';
import { assertWritable } from '../archive/service.js';
import { recordAudit } from '../audit/service.js';
import type { Actor, RequestContext } from '../plugins/app/auth/actor.js';
import { createScaleOut } from '../releases/create.js';
import type { Db } from '../shared/db.js';
import { Invalid, NotFound } from '../shared/errors.js';

/**
 * Adds servers to an environment and, in the same transaction, queues a scale-out release of what the environment
 * runs now to them: they serve the current version without anyone choosing it again. Servers must be of the
 * project's group, not build agents, and not already in the environment.
 */
export async function scaleOut({ db, actor, ctx }: { db: Db; actor: Actor; ctx: RequestContext }, { environmentId, serverIds }: { environmentId: string } & ScaleOutBody): Promise<ScaleOutResult> {
  return db.$transaction(async (tx) => {
    await assertWritable(tx, 'environment', environmentId);
    const environment = await tx.environment.findUnique({ where: { id: environmentId }, include: { project: { select: { groupId: true } }, servers: { select: { serverId: true } } } });
    if (!environment) throw new NotFound('Environment');
    const found = await tx.server.findMany({ where: { id: { in: serverIds }, groupId: environment.project.groupId }, select: { id: true, name: true, buildAgent: true } });
    const missing = serverIds.filter((id) => !found.some((s) => s.id === id));
    if (missing.length) throw new Invalid('body.serverIds', `not servers of the project's group: ${missing.join(', ')}`);
    const agents = found.filter((s) => s.buildAgent).map((s) => s.name);
    if (agents.length) throw new Invalid('body.serverIds', `build agents are never release targets: ${agents.join(', ')}`);
    const already = found.filter((s) => environment.servers.some((e) => e.serverId === s.id)).map((s) => s.name);
    if (already.length) throw new Invalid('body.serverIds', `already in environment ${environment.name}: ${already.join(', ')}`);

    const added = serverIds.map((id) => found.find((s) => s.id === id)!);
    await tx.environmentServer.createMany({ data: serverIds.map((serverId) => ({ environmentId, serverId })) });
    const release = await createScaleOut(tx, { actor, ctx }, { environmentId, serverIds, names: added.map((s) => s.name) });
    await recordAudit(tx, ctx, { action: 'environment.scale_out', resourceType: 'environment', resourceId: environmentId, details: { servers: added.map((s) => s.name), releaseId: release?.id ?? null } });
    return { added: added.map(({ id, name }) => ({ id, name })), releaseId: release?.id ?? null };
  });
}
