import { dryRun, splitIntoBatches, type Target } from '@rp/deploy-engine';
import type { Static } from 'typebox';
import type { Actor } from '../plugins/app/auth/actor.js';
import { maskedVariables } from '../environments/service.js';
import { projectGitAccess } from '../projects/service.js';
import type { Db } from '../shared/db.js';
import { Invalid, NotFound } from '../shared/errors.js';
import type { SecretBox } from '../shared/secret-box.js';
import { releasePlanOf } from './plan-builder.js';
import type { RolloutSpec } from '@rp/contract/rollout';
import { DEFAULT_ROLLOUT, toEngineRollout } from './rollout.js';
import type { DryRunBody, DryRunPlan } from '@rp/contract/releases';
import { chooseServers, resolveCommit } from './service.js';

/** Stands in for the id the release will get; the engine accepts it as a directory name like a real one. */
export const PLANNED_RELEASE_ID = 'NEW-RELEASE';

/**
 * The commands a release of this ref would run, built by the engine from the same plan the worker would get, without
 * connecting anywhere. Nothing secret is decrypted for it: the repository URL carries no token, secret variables
 * show as the mask, and no private key is loaded.
 */
export async function planPreview(db: Db, box: SecretBox, actor: Actor, input: Static<typeof DryRunBody>, ctx: { workDir: string }): Promise<Static<typeof DryRunPlan>> {
  const environment = await db.environment.findUnique({
    where: { id: input.environmentId },
    include: { project: true, servers: { include: { server: true }, orderBy: { server: { name: 'asc' } } } },
  });
  if (!environment) throw new NotFound('Environment');
  const chosen = new Set(chooseServers(environment, input.serverIds));
  const servers = environment.servers.map((s) => s.server).filter((s) => chosen.has(s.id));
  const commit = await resolveCommit((await projectGitAccess(db, box, environment.project)).access, input.ref);
  const env = maskedVariables(environment.variables);
  const targets: Target[] = servers.map((s) => ({
    id: s.id,
    deployPath: environment.deployPath,
    env,
    server: { host: s.host, port: s.port, username: s.username, privateKey: '' },
  }));
  const rollout = input.rollout ?? ((environment.rollout as unknown as RolloutSpec | null) ?? DEFAULT_ROLLOUT);
  const plan = releasePlanOf({
    project: environment.project,
    releaseId: PLANNED_RELEASE_ID,
    commit,
    gitUrl: environment.project.gitUrl,
    targets,
    rollout,
    actor: actor.username,
    instance: 'dry-run',
    workDir: ctx.workDir,
    env,
    staleLockOwners: [],
  });
  const result = dryRun(plan);
  if (!result.ok) throw new Invalid('rollout', result.problems.join('; '));
  const byId = new Map(servers.map((s) => [s.id, s]));
  return {
    commit,
    releaseIdPlaceholder: PLANNED_RELEASE_ID,
    batches: splitIntoBatches(targets, toEngineRollout(rollout).rollout).map((b) => b.targets.map((t) => t.id)),
    global: result.global,
    targets: targets.map((t) => {
      const server = byId.get(t.id);
      return { serverId: t.id, serverName: server?.name ?? t.id, host: server?.host ?? '', commands: result.targets[t.id] ?? [] };
    }),
  };
}
