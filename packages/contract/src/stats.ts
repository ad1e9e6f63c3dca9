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
