import type { Environment, Prisma, Project } from '../generated/prisma/client.js';
import type { DbTx } from '../shared/db.js';

/** A secret variable is known by its key alone: its value is never decrypted nor copied for a snapshot. */
export type SnapshotVariable = { key: string; secret: true } | { key: string; secret: false; value: string };

/**
 * The project's and environment's settings a run's plan is built from (releases/plan.ts, runs/run-input.ts). The
 * rollout is not here: a release keeps its own (`releases.rollout`), so editing the environment's never changes a run.
 */
export interface SettingsSnapshot {
  project: {
    buildCommand: string;
    artifactPaths: string[];
    packageCompression: string;
    sharedDirs: string[];
    sharedFiles: string[];
    keepReleases: number;
    restartCommand: string;
    healthCheck: Prisma.JsonValue;
    hooks: Prisma.JsonValue;
    service: Prisma.JsonValue;
    buildAgentId: string | null;
  };
  environment: {
    deployPath: string;
    offlineScript: string;
    onlineScript: string;
    drainSeconds: number;
    variables: SnapshotVariable[];
  };
}

const projectColumns = {
  buildCommand: true,
  artifactPaths: true,
  packageCompression: true,
  sharedDirs: true,
  sharedFiles: true,
  keepReleases: true,
  restartCommand: true,
  healthCheck: true,
  hooks: true,
  service: true,
  buildAgentId: true,
} as const satisfies Prisma.ProjectSelect;

const environmentColumns = { deployPath: true, offlineScript: true, onlineScript: true, drainSeconds: true, variables: true } as const satisfies Prisma.EnvironmentSelect;

function variablesOf(stored: Prisma.JsonValue): SnapshotVariable[] {
  if (!Array.isArray(stored)) return [];
  return (stored as unknown as { key: string; value: string; secret?: boolean }[]).map((v) => (v.secret ? { key: v.key, secret: true } : { key: v.key, secret: false, value: v.value }));
}

export function settingsSnapshotOf(project: Pick<Project, keyof typeof projectColumns>, environment: Pick<Environment, keyof typeof environmentColumns>): SettingsSnapshot {
  return {
    project: {
      buildCommand: project.buildCommand,
      artifactPaths: project.artifactPaths,
      packageCompression: project.packageCompression,
      sharedDirs: project.sharedDirs,
      sharedFiles: project.sharedFiles,
      keepReleases: project.keepReleases,
      restartCommand: project.restartCommand,
      healthCheck: project.healthCheck,
      hooks: project.hooks,
      service: project.service,
      buildAgentId: project.buildAgentId,
    },
    environment: {
      deployPath: environment.deployPath,
      offlineScript: environment.offlineScript,
      onlineScript: environment.onlineScript,
      drainSeconds: environment.drainSeconds,
      variables: variablesOf(environment.variables),
    },
  };
}

/** What the project and environment hold now, in the shape a release stores at creation. */
export async function loadSettingsSnapshot(tx: DbTx, { projectId, environmentId }: { projectId: string; environmentId: string }): Promise<SettingsSnapshot> {
  const project = await tx.project.findUniqueOrThrow({ where: { id: projectId }, select: projectColumns });
  const environment = await tx.environment.findUniqueOrThrow({ where: { id: environmentId }, select: environmentColumns });
  return settingsSnapshotOf(project, environment);
}
