import type { Compression, HealthCheck, HookName, ReleasePlan, Target, TrafficScripts } from '@rp/deploy-engine';
import type { RolloutSpec } from '@rp/contract/rollout';
import type { Environment, Project } from '../generated/prisma/client.js';
import { serviceRestart } from '../supervision/release-restart.js';
import { toEngineRollout } from './rollout.js';

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

/** The environment's load balancer scripts; none without an offline script (then there is nothing to undo). */
function trafficOf(environment: CommonPlanInput['environment']): TrafficScripts | undefined {
  if (environment.offlineScript.trim() === '') return undefined;
  return {
    offline: environment.offlineScript,
    ...(environment.onlineScript.trim() !== '' ? { online: environment.onlineScript } : {}),
    drainSeconds: environment.drainSeconds,
  };
}

export interface CommonPlanInput {
  project: Pick<Project, 'id' | 'name' | 'healthCheck' | 'restartCommand' | 'service'>;
  environment: Pick<Environment, 'offlineScript' | 'onlineScript' | 'drainSeconds'>;
  releaseId: string;
  targets: Target[];
  /** The targets whose server lets the login user run the service manager through `sudo -n`. */
  sudoTargets: ReadonlySet<string>;
  rollout: RolloutSpec;
  actor: string;
  instance: string;
  staleLockOwners: string[];
}

export interface ReleasePlanInput extends CommonPlanInput {
  project: CommonPlanInput['project'] & Pick<Project, 'hooks' | 'buildCommand' | 'artifactPaths' | 'packageCompression' | 'sharedDirs' | 'sharedFiles' | 'keepReleases'>;
  commit: string;
  gitUrl: string;
  workDir: string;
  env: Record<string, string>;
}

export function commonPlanOf(input: CommonPlanInput) {
  const { rollout, failurePolicy } = toEngineRollout(input.rollout);
  const healthcheck = healthCheckOf(input.project.healthCheck);
  const traffic = trafficOf(input.environment);
  const { restartCommand, targets } = serviceRestart(input.project, input.targets, input.sudoTargets);
  return {
    releaseId: input.releaseId,
    // The engine keeps one workspace (mirror, artifacts) per project name; the id never changes when a project is renamed.
    project: input.project.id,
    targets,
    rollout,
    failurePolicy,
    actor: input.actor,
    instance: input.instance,
    staleLockOwners: input.staleLockOwners,
    ...(restartCommand ? { restartCommand } : {}),
    ...(healthcheck ? { healthcheck } : {}),
    ...(traffic ? { traffic } : {}),
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
      compression: project.packageCompression as Compression,
    },
    hooks,
    sharedDirs: project.sharedDirs,
    sharedFiles: project.sharedFiles,
    keepReleases: project.keepReleases,
  };
}
