import type { ScaleInQuery, ScaleInResult, ScaleOutBody, ScaleOutResult } from '@rp/contract/scale';
import { quote, type Transport } from '@rp/deploy-engine';
import { assertWritable } from '../archive/service.js';
import { recordAudit } from '../audit/service.js';
import type { Actor, RequestContext } from '../plugins/app/auth/actor.js';
import { createScaleOut } from '../releases/create.js';
import type { Db } from '../shared/db.js';
import { Conflict, Invalid, NotFound } from '../shared/errors.js';
import type { SecretBox } from '../shared/secret-box.js';
import { serviceCommands } from '../supervision/commands.js';
import { maskerOf, runOnServer } from '../supervision/operations.js';
import { serviceConfigOf } from '../supervision/service-spec.js';

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
    const release = await createScaleOut(tx, { actor, ctx }, { environmentId, serverIds });
    await recordAudit(tx, ctx, { action: 'environment.scale_out', resourceType: 'environment', resourceId: environmentId, details: { servers: added.map((s) => s.name), releaseId: release?.id ?? null } });
    return { added: added.map(({ id, name }) => ({ id, name })), releaseId: release?.id ?? null };
  });
}

export interface ScaleInDeps {
  db: Db;
  secrets: SecretBox;
  ssh: Transport;
  ctx: RequestContext;
}

const STEP_TIMEOUT_MS = 120_000;

/**
 * Scale in: takes a server out of the environment the way an operator would by hand — the environment's `offline`
 * script (out of the load balancer), then the service stopped through its manager, then, if asked, the deploy path
 * deleted — and only then removes it from the environment. A failed step leaves it in the environment (409 with
 * every step's output) unless `force` says to remove it anyway (a host that is gone for good).
 */
export async function scaleIn(deps: ScaleInDeps, { environmentId, serverId, removeFiles = false, force = false }: { environmentId: string; serverId: string } & ScaleInQuery): Promise<ScaleInResult> {
  const { db } = deps;
  await assertWritable(db, 'environment', environmentId);
  const environment = await db.environment.findUnique({ where: { id: environmentId }, include: { project: true, servers: { where: { serverId }, include: { server: true } } } });
  if (!environment) throw new NotFound('Environment');
  const server = environment.servers[0]?.server;
  if (!server) throw new NotFound('Server in this environment');

  const mask = maskerOf(deps.secrets, environment);
  const { deployPath } = environment;
  const steps: ScaleInResult['steps'] = [];
  const run = async (step: ScaleInResult['steps'][number]['step'], script: string) => {
    const result = await runOnServer(deps, server, script, STEP_TIMEOUT_MS, mask);
    steps.push({ step, ok: result.ok, output: result.output });
    return result.ok;
  };
  const vars = `DEPLOY_PATH=${quote(deployPath)} PROJECT=${quote(environment.projectId)}`;
  let ok = true;
  if (environment.offlineScript) ok = await run('offline', `cd ${quote(deployPath)} && ${vars} sh -c ${quote(environment.offlineScript)}`);
  const config = serviceConfigOf(environment.project.service);
  if (ok && config.manager !== 'none') ok = await run('stop', serviceCommands(config, { project: environment.project, deployPath, sudo: server.sudo }).stop);
  if (ok && removeFiles) ok = await run('remove-files', `rm -rf -- ${quote(deployPath)}`);
  if (!ok && !force) throw new Conflict(`${server.name} stays in environment ${environment.name}: a step failed (force=true removes it anyway)`, { steps });

  await db.$transaction(async (tx) => {
    await tx.environmentServer.deleteMany({ where: { environmentId, serverId } });
    await tx.hostStatus.deleteMany({ where: { environmentId, serverId } });
    await recordAudit(tx, deps.ctx, {
      action: 'environment.scale_in',
      resourceType: 'environment',
      resourceId: environmentId,
      success: ok,
      details: { serverId, server: server.name, removeFiles, force, steps: steps.map((s) => ({ step: s.step, ok: s.ok })) },
    });
  });
  return { removed: true, steps };
}
