import type { Artifact, HealthCheck, HookName, ReleasePlan, RollbackPlan, Target } from '@rp/deploy-engine';
import { revealSecret } from '../credentials/service.js';
import { environmentVariables } from '../environments/service.js';
import { authenticatedUrl } from '../projects/refs.js';
import { projectGitAccess } from '../projects/service.js';
import type { Project } from '../generated/prisma/client.js';
import type { Db } from '../shared/db.js';
import type { SecretBox } from '../shared/secret-box.js';
import type { RolloutSpec } from '@rp/contract/rollout';
import { toEngineRollout } from '../releases/rollout.js';

type StoredHealthCheck =
  | { type: 'http'; url: string; timeoutSeconds?: number; retries?: number; intervalSeconds?: number }
  | { type: 'command'; command: string; timeoutSeconds?: number; retries?: number; intervalSeconds?: number };

function healthCheckOf(stored: unknown): HealthCheck | undefined {
  if (!stored || typeof stored !== 'object') return undefined;
  const check = stored as StoredHealthCheck;
  const common = {
    retries: check.retries ?? 5,
    timeoutMs: (check.timeoutSeconds ?? 10) * 1000,
    intervalMs: (check.intervalSeconds ?? 1) * 1000,
  };
  if (check.type === 'http' && check.url) return { url: check.url, ...common };
  if (check.type === 'command' && check.command) return { command: check.command, ...common };
  return undefined;
}

interface CommonPlanInput {
  project: Pick<Project, 'id' | 'healthCheck' | 'restartCommand'>;
  releaseId: string;
  targets: Target[];
  rollout: RolloutSpec;
  actor: string;
  instance: string;
  staleLockOwners: string[];
}

export interface ReleasePlanInput extends CommonPlanInput {
  project: CommonPlanInput['project'] & Pick<Project, 'hooks' | 'buildCommand' | 'artifactPaths' | 'sharedDirs' | 'sharedFiles' | 'keepReleases'>;
  commit: string;
  gitUrl: string;
  workDir: string;
  env: Record<string, string>;
}

function commonPlanOf(input: CommonPlanInput) {
  const { rollout, failurePolicy } = toEngineRollout(input.rollout);
  const healthcheck = healthCheckOf(input.project.healthCheck);
  return {
    releaseId: input.releaseId,
    // The engine keeps one workspace (mirror, artifacts) per project name; the id never changes when a project is renamed.
    project: input.project.id,
    targets: input.targets,
    rollout,
    failurePolicy,
    actor: input.actor,
    instance: input.instance,
    staleLockOwners: input.staleLockOwners,
    ...(input.project.restartCommand ? { restartCommand: input.project.restartCommand } : {}),
    ...(healthcheck ? { healthcheck } : {}),
  };
}

/** The engine plan of a release from its project's settings; the worker runs it and the dry run lists its commands. */
export function releasePlanOf(input: ReleasePlanInput): ReleasePlan {
  const { project } = input;
  const hooks = Object.fromEntries(Object.entries((project.hooks ?? {}) as Record<string, string>).filter(([, script]) => script.trim() !== '')) as Partial<Record<HookName, string>>;
  return {
    ...commonPlanOf(input),
    workDir: input.workDir,
    source: { gitUrl: input.gitUrl, commit: input.commit },
    build: {
      ...(project.buildCommand ? { command: project.buildCommand } : {}),
      env: input.env,
      ...(project.artifactPaths.length ? { artifactPaths: project.artifactPaths } : {}),
    },
    hooks,
    sharedDirs: project.sharedDirs,
    sharedFiles: project.sharedFiles,
    keepReleases: project.keepReleases,
  };
}

export type RunInput = (
  | { kind: 'release'; plan: ReleasePlan; artifact?: Artifact }
  | { kind: 'rollback'; plan: RollbackPlan }
) & {
  /** Plaintext secrets in the plan (Git token, secret variables), to be masked in every stored log line. */
  redact: string[];
};

export interface RunInputDeps {
  db: Db;
  secrets: SecretBox;
  workDir: string;
  /** The worker's id, recorded in the host locks this run takes. */
  instance: string;
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
  const { access } = await projectGitAccess(ctx.db, ctx.secrets, project);
  const redact = [...secretValues, ...(access.token ? [access.token.secret] : [])].filter((v) => v.length >= 4);

  const pending = release.targets.filter((t) => t.state !== 'succeeded');
  const targets: Target[] = [];
  for (const t of pending) {
    const { secret } = await revealSecret(ctx.db, ctx.secrets, t.server.credentialId);
    targets.push({
      id: t.serverId,
      deployPath: environment.deployPath,
      env,
      server: {
        host: t.server.host,
        port: t.server.port,
        username: t.server.username,
        privateKey: secret,
        ...(t.server.hostKeyFingerprint ? { hostKeyFingerprint: t.server.hostKeyFingerprint } : {}),
      },
    });
  }

  // Locks left on these hosts by runs that are over (a killed worker's release that nobody retried) must not block
  // this one until they expire. Locks live an hour, so two hours of history covers every one that could remain.
  const ended = await ctx.db.release.findMany({
    where: {
      id: { not: release.id },
      state: { notIn: ['running', 'paused'] },
      updatedAt: { gte: new Date(Date.now() - 2 * 3600_000) },
      targets: { some: { serverId: { in: pending.map((t) => t.serverId) } } },
    },
    select: { id: true },
    take: 500,
  });
  const common = {
    project,
    releaseId: release.id,
    targets,
    rollout: release.rollout as unknown as RolloutSpec,
    actor: release.createdBy.username,
    instance: ctx.instance,
    staleLockOwners: ended.map((r) => r.id),
  };
  if (release.kind === 'rollback') {
    if (!release.rollbackToId) throw new Error(`rollback release ${release.id} names no release to return to`);
    const plan: RollbackPlan = { ...commonPlanOf(common), toReleaseId: release.rollbackToId };
    return { kind: 'rollback', plan, redact };
  }

  const plan = releasePlanOf({ ...common, commit: release.commit, gitUrl: authenticatedUrl(access), workDir: ctx.workDir, env });
  const artifact = release.artifact as unknown as Artifact | null;
  return artifact ? { kind: 'release', plan, artifact, redact } : { kind: 'release', plan, redact };
}
