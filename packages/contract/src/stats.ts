import { Type, type Static } from 'typebox';
import { Nullable, Uuid } from './common.js';

export const StatsQuery = Type.Object(
  {
    days: Type.Integer({ minimum: 1, maximum: 90, default: 14, description: 'how many days back, today included' }),
    projectId: Type.Optional(Uuid),
  },
  { additionalProperties: false },
);

export const DayCount = Type.Object({ date: Type.String({ description: 'YYYY-MM-DD (UTC)' }), total: Type.Integer(), succeeded: Type.Integer(), failed: Type.Integer() });

export const ProjectStats = Type.Object({
  projectId: Uuid,
  projectName: Type.String(),
  total: Type.Integer(),
  succeeded: Type.Integer(),
  failed: Type.Integer(),
  successRate: Nullable(Type.Number({ description: 'succeeded ÷ (succeeded + failed + interrupted); aborted runs were a decision, not a failure' })),
  medianDurationSeconds: Nullable(Type.Number({ description: 'of the succeeded releases, start to finish' })),
});

export const ReleaseStats = Type.Object({
  from: Type.String({ description: 'first day counted, YYYY-MM-DD (UTC)' }),
  to: Type.String({ description: 'last day counted, YYYY-MM-DD (UTC)' }),
  perDay: Type.Array(DayCount),
  projects: Type.Array(ProjectStats),
  running: Type.Integer({ description: 'running or paused now' }),
  queued: Type.Integer({ description: 'queued now' }),
  pendingApproval: Type.Integer({ description: 'waiting for approval now' }),
});

export type StatsQuery = Static<typeof StatsQuery>;
export type DayCount = Static<typeof DayCount>;
export type ProjectStats = Static<typeof ProjectStats>;
export type ReleaseStats = Static<typeof ReleaseStats>;

/** How far an installation got, for the getting-started checklist: counts over the groups the caller can see. */
export const SetupProgress = Type.Object({
  groups: Type.Integer(),
  credentials: Type.Integer(),
  servers: Type.Integer(),
  projects: Type.Integer(),
  environments: Type.Integer(),
  releases: Type.Integer(),
});

/** What each environment runs now: its last succeeded release, or what its last succeeded rollback went back to. */
export const EnvironmentVersion = Type.Object({
  projectId: Uuid,
  projectName: Type.String(),
  environmentId: Uuid,
  environmentName: Type.String(),
  current: Nullable(
    Type.Object({
      releaseId: Uuid,
      number: Nullable(Type.Integer()),
      ref: Type.String(),
      commit: Type.String(),
      at: Type.String({ format: 'date-time', description: 'when it (or the rollback to it) finished' }),
    }),
  ),
});
export const EnvironmentVersions = Type.Object({ items: Type.Array(EnvironmentVersion), total: Type.Integer({ description: 'environments visible; items holds the first 200 by project and name' }) });

export type SetupProgress = Static<typeof SetupProgress>;
export type EnvironmentVersion = Static<typeof EnvironmentVersion>;
export type EnvironmentVersions = Static<typeof EnvironmentVersions>;
