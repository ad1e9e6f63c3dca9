import { ACTIVE_STATES } from '@rp/contract/release-states';
import type { Artifact, ReleasePlan, RollbackPlan, Target } from '@rp/deploy-engine';
import { environmentVariables } from '../environments/service.js';
import type { PrivateHosts } from '../projects/git-policy.js';
import { buildAgentSpec } from '../projects/build-agent.js';
import { gitCredentialOf, gitSecretsOf } from '../projects/refs.js';
import { projectGitAccess } from '../projects/service.js';
import type { Db } from '../shared/db.js';
import type { SecretBox } from '../shared/secret-box.js';
import { MIN_SECRET_LENGTH } from '../shared/secret-masker.js';
import type { RolloutSpec } from '@rp/contract/rollout';
import { keptVersions } from '../releases/kept-versions.js';
import { commonPlanOf, releasePlanOf } from '../releases/plan.js';
import { serverSpec } from '../servers/spec.js';

export type RunInput = (
  | { kind: 'release'; plan: ReleasePlan; artifact?: Artifact }
  | { kind: 'rollback'; plan: RollbackPlan }
) & {
  /** Plaintext secrets in the plan (Git token, secret variables), to be masked in every text the run produces. */
  redact: string[];
};

export interface RunInputDeps {
  db: Db;
  secrets: SecretBox;
  workDir: string;
  /** The worker's id, recorded in the host locks this run takes. */
  instance: string;
  /** GIT_ALLOW_PRIVATE_HOSTS, checked again before the checkout: DNS may have changed since the project was saved. */
  privateHosts: PrivateHosts;
}

/**
 * Turns the rows of a release (project, environment, servers, credentials) into the engine's plan. Secrets are
 * decrypted here, in the worker's memory only, just before the run. A retry plans only the targets not yet
 * succeeded and reuses the artifact the first run packed.
 */
export async function buildRunInput(ctx: RunInputDeps, { releaseId }: { releaseId: string }): Promise<RunInput> {
  const release = await ctx.db.release.findUniqueOrThrow({
    where: { id: releaseId },
    include: {
      project: true,
      environment: true,
      createdBy: { select: { username: true } },
      // Batches take targets in this order: by server name, so a gray rollout's first batch is predictable.
      targets: { include: { server: true }, orderBy: { server: { name: 'asc' } } },
    },
  });
  const { project, environment } = release;
  const env = environmentVariables(ctx.secrets, environment.variables);
  const secretValues = (environment.variables as { value: string; secret?: boolean }[]).filter((v) => v.secret).map((v) => ctx.secrets.decrypt(v.value));
  // A rollback never talks to the repository, so neither its URL nor its token is checked or decrypted for it.
  const access = release.kind === 'rollback' ? null : (await projectGitAccess(ctx.db, ctx.secrets, project, ctx.privateHosts, 'system')).access;
  const redact = [...secretValues, ...(access ? gitSecretsOf(access) : [])].filter((v) => v.length >= MIN_SECRET_LENGTH);

  const pending = release.targets.filter((t) => t.state !== 'succeeded');
  const targets: Target[] = [];
  for (const t of pending) targets.push({ id: t.serverId, deployPath: environment.deployPath, env, server: await serverSpec(ctx.db, ctx.secrets, t.server) });

  // Locks left on these hosts by runs that are over (a killed worker's release that nobody retried) must not block
  // this one until they expire. Locks live an hour, so two hours of history covers every one that could remain.
  const ended = await ctx.db.release.findMany({
    where: {
      id: { not: release.id },
      state: { notIn: [...ACTIVE_STATES] },
      updatedAt: { gte: new Date(Date.now() - 2 * 3600_000) },
      targets: { some: { serverId: { in: pending.map((t) => t.serverId) } } },
    },
    select: { id: true },
    take: 500,
  });
  const common = {
    project,
    environment,
    releaseId: release.id,
    targets,
    rollout: release.rollout as unknown as RolloutSpec,
    actor: release.createdBy.username,
    instance: ctx.instance,
    staleLockOwners: ended.map((r) => r.id),
    sudoTargets: new Set(pending.filter((t) => t.server.sudo).map((t) => t.serverId)),
  };
  if (!access) {
    if (!release.rollbackToId) throw new Error(`rollback release ${release.id} names no release to return to`);
    const to = await ctx.db.release.findUniqueOrThrow({ where: { id: release.rollbackToId }, include: { targets: { select: { serverId: true, state: true } } } });
    const kept = await keptVersions(ctx.db, to);
    const keptAs = Object.fromEntries(pending.flatMap((t) => {
      const dir = kept.get(t.serverId);
      return dir && dir !== to.id ? [[t.serverId, dir]] : [];
    }));
    const plan: RollbackPlan = { ...commonPlanOf(common), toReleaseId: to.id, ...(Object.keys(keptAs).length ? { keptAs } : {}) };
    return { kind: 'rollback', plan, redact };
  }

  const plan = releasePlanOf({ ...common, commit: release.commit, gitUrl: access.gitUrl, workDir: ctx.workDir, env });
  // The dry run shares releasePlanOf and must never hold the token, so it joins the plan only here.
  const credential = gitCredentialOf(access);
  if (credential) plan.source.gitCredential = credential;
  const agent = await buildAgentSpec(ctx.db, ctx.secrets, project.buildAgentId);
  if (agent && plan.build) plan.build.agent = agent;
  const artifact = release.artifact as unknown as Artifact | null;
  return artifact ? { kind: 'release', plan, artifact, redact } : { kind: 'release', plan, redact };
}
