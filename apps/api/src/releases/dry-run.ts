import type { DryRunBody, DryRunPlan } from '@rp/contract/releases';
import type { RolloutSpec } from '@rp/contract/rollout';
import { dryRun, splitIntoBatches, type PlannedCommand, type Target } from '@rp/deploy-engine';
import { enforce, policyOf, refRefusal, releaseRefusal } from '../environments/policy.js';
import { maskedVariables } from '../environments/service.js';
import { projectGitAccess } from '../projects/service.js';
import { Invalid, NotFound } from '../shared/errors.js';
import { serviceConfigOf } from '../supervision/service-spec.js';
import { chooseServers, resolveReleaseRef } from './create.js';
import type { ReleaseDeps } from './deps.js';
import { releasePlanOf } from './plan.js';
import { DEFAULT_ROLLOUT, toEngineRollout } from './rollout.js';

/** Stands in for the id the release will get; the engine accepts it as a directory name like a real one. */
const PLANNED_RELEASE_ID = 'NEW-RELEASE';

/**
 * The commands a release of this ref would run, built by the engine from the same plan the worker would get, without
 * connecting anywhere. Nothing secret is decrypted for it: the repository URL carries no token, secret variables
 * show as the mask, and no private key is loaded. The environment's release policy answers as it would for the
 * release itself (403 naming the rule); the release windows do not, since a preview outside them is harmless.
 */
export async function planPreview({ db, secrets, actor, workDir }: Pick<ReleaseDeps, 'db' | 'secrets' | 'actor'> & { workDir: string }, input: DryRunBody): Promise<DryRunPlan> {
  const environment = await db.environment.findUnique({
    where: { id: input.environmentId },
    include: { project: true, servers: { include: { server: true }, orderBy: { server: { name: 'asc' } } } },
  });
  if (!environment) throw new NotFound('Environment');
  const chosen = await chooseServers(db, environment, input.serverIds);
  const servers = await db.server.findMany({ where: { id: { in: chosen } }, orderBy: { name: 'asc' } });
  const policed = { name: environment.name, policy: policyOf(environment.policy) };
  enforce(releaseRefusal(policed, { who: { actor, groupId: environment.project.groupId }, ref: input.ref, refKind: null, customRollout: input.rollout !== undefined }));
  const { sha: commit, kind } = await resolveReleaseRef((await projectGitAccess(db, secrets, environment.project)).access, input.ref, policed.policy.refPolicy);
  enforce(refRefusal(policed, input.ref, kind), 'refPolicy');
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
    environment,
    releaseId: PLANNED_RELEASE_ID,
    commit,
    gitUrl: environment.project.gitUrl,
    targets,
    rollout,
    actor: actor.username,
    instance: 'dry-run',
    workDir,
    env,
    staleLockOwners: [],
    sudoTargets: new Set(servers.filter((s) => s.sudo).map((s) => s.id)),
  });
  const result = dryRun(plan);
  if (!result.ok) throw new Invalid('rollout', result.problems.join('; '));
  const byId = new Map(servers.map((s) => [s.id, s]));
  // With a service manager the restart is a script the platform generates (install, then restart through the
  // manager), which the project's settings do not show: the preview shows it in full.
  const managed = serviceConfigOf(environment.project.service).manager !== 'none';
  const showServiceRestart = (command: PlannedCommand): PlannedCommand =>
    managed && command.stdin === 'restart script' && plan.restartCommand ? { ...command, stdin: plan.restartCommand } : command;
  return {
    commit,
    releaseIdPlaceholder: PLANNED_RELEASE_ID,
    batches: splitIntoBatches(targets, toEngineRollout(rollout).rollout).map((b) => b.targets.map((t) => t.id)),
    rollout,
    global: result.global,
    targets: targets.map((t) => {
      const server = byId.get(t.id);
      return { serverId: t.id, serverName: server?.name ?? t.id, host: server?.host ?? '', port: server?.port ?? 22, commands: (result.targets[t.id] ?? []).map(showServiceRestart) };
    }),
  };
}
