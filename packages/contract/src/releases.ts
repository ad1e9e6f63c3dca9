import { Type, type Static } from 'typebox';
import { ROLLBACK_CONCURRENCY, ROLLBACK_ROLLOUTS, type RollbackRollout } from './rules.js';
import { Page, PageQuery, Str, Uuid, Nullable } from './common.js';
import { RELEASE_STATES } from './release-states.js';
import { RolloutSpec } from './rollout.js';
import { RefName, Seq } from './fields.js';

const Timestamp = Nullable(Type.String({ format: 'date-time' }));

export const ReleaseStateSchema = Type.Enum(RELEASE_STATES);

export const TargetView = Type.Object({
  serverId: Uuid,
  serverName: Type.String(),
  host: Type.String(),
  port: Type.Integer(),
  state: Type.String(),
  stage: Nullable(Type.String()),
  previous: Nullable(Type.String()),
  current: Nullable(Type.String()),
  error: Nullable(Type.String()),
  startedAt: Timestamp,
  finishedAt: Timestamp,
});

export const ReleaseView = Type.Object({
  id: Uuid,
  number: Nullable(Type.Integer({ minimum: 1, description: 'per project, from 1: #42' })),
  kind: Type.Union([Type.Literal('release'), Type.Literal('rollback'), Type.Literal('scale_out')], { description: 'scale_out: the current release deployed to servers just added' }),
  state: ReleaseStateSchema,
  projectId: Uuid,
  projectName: Type.String(),
  groupId: Uuid,
  environmentId: Uuid,
  environmentName: Type.String(),
  ref: Type.String(),
  commit: Type.String(),
  description: Type.String(),
  rollout: RolloutSpec,
  rollbackToId: Nullable(Uuid),
  createdBy: Type.String(),
  approvedBy: Nullable(Type.String()),
  approvedAt: Timestamp,
  reviewComment: Type.String(),
  abortRequested: Type.Boolean(),
  queuedAt: Timestamp,
  scheduledAt: Timestamp,
  startedAt: Timestamp,
  finishedAt: Timestamp,
  createdAt: Type.String({ format: 'date-time' }),
  error: Nullable(Type.String()),
  lastSeq: Type.Integer(),
  targets: Type.Array(TargetView),
  plannedBatches: Type.Array(Type.Array(Uuid), {
    description: "each batch's servers as the rollout will take them (targets by server name); the live feed says what a run really did",
  }),
  progress: Type.Object({ percent: Type.Integer(), etaSeconds: Nullable(Type.Integer()) }),
});
export const ReleasePage = Page(Type.Omit(ReleaseView, ['targets', 'plannedBatches', 'progress']));

export const ReleaseQuery = Type.Object(
  {
    ...PageQuery,
    projectId: Type.Optional(Uuid),
    environmentId: Type.Optional(Uuid),
    state: Type.Optional(ReleaseStateSchema),
    createdBy: Type.Optional(Str(64)),
    createdFrom: Type.Optional(Type.String({ format: 'date-time', maxLength: 40, description: 'created at or after' })),
    createdTo: Type.Optional(Type.String({ format: 'date-time', maxLength: 40, description: 'created before' })),
    awaitingMe: Type.Optional(
      Type.Boolean({ description: "only releases waiting for the caller's approval: someone else's, in an environment whose approvers include the caller" }),
    ),
  },
  { additionalProperties: false },
);

export const CreateReleaseBody = Type.Object(
  {
    environmentId: Uuid,
    ref: RefName(),
    description: Type.Optional(Str(2000)),
    rollout: Type.Optional(RolloutSpec),
    serverIds: Type.Optional(Type.Array(Uuid, { minItems: 1, maxItems: 5000, uniqueItems: true, description: 'a subset of the environment\'s servers' })),
    autoStart: Type.Optional(Type.Boolean({ description: 'queue as soon as it is approved (default true)' })),
    scheduledAt: Type.Optional(Type.String({ format: 'date-time', maxLength: 40, description: 'do not start before this time' })),
    overrideWindow: Type.Optional(Type.Boolean({ description: 'administrators only: release outside the environment\'s release windows (audited)' })),
  },
  { additionalProperties: false },
);

export const DryRunBody = Type.Object(
  {
    environmentId: CreateReleaseBody.properties.environmentId,
    ref: CreateReleaseBody.properties.ref,
    rollout: CreateReleaseBody.properties.rollout,
    serverIds: CreateReleaseBody.properties.serverIds,
  },
  { additionalProperties: false },
);

const PlannedCommand = Type.Object({
  stage: Type.String(),
  command: Type.String(),
  stdin: Type.Optional(Type.String({ description: 'what the command reads on its standard input' })),
});

export const DryRunPlan = Type.Object({
  commit: Type.String({ description: 'the full SHA the ref names now' }),
  releaseIdPlaceholder: Type.String({ description: 'stands in for the id the release gets when it is created' }),
  batches: Type.Array(Type.Array(Uuid), { description: 'server ids per batch, in rollout order' }),
  /** The rollout the release would use: what happens between batches, failures tolerated, automatic rollback. */
  rollout: RolloutSpec,
  global: Type.Array(PlannedCommand, { description: 'on the platform host: hooks, checkout, build, package' }),
  targets: Type.Array(Type.Object({ serverId: Uuid, serverName: Type.String(), host: Type.String(), port: Type.Integer(), commands: Type.Array(PlannedCommand) })),
});

export const ReviewBody = Type.Object({ comment: Type.Optional(Str(2000)) }, { additionalProperties: false });
const OverrideWindow = Type.Boolean({ description: 'administrators only: queue it outside the environment\'s release windows (audited)' });
export const RollbackBody = Type.Object(
  {
    description: Type.Optional(Str(2000)),
    rollout: Type.Optional(
      Type.Enum(ROLLBACK_ROLLOUTS, {
        description: `parallel (default): every server at once, ${ROLLBACK_CONCURRENCY} at a time, as an emergency wants; environment: the environment's own rollout, batches and pauses included`,
      }),
    ),
    overrideWindow: Type.Optional(OverrideWindow),
    serverIds: Type.Optional(
      Type.Array(Uuid, { minItems: 1, maxItems: 1000, uniqueItems: true, description: 'roll back only these servers (each must have had this release); default: every server of it' }),
    ),
  },
  { additionalProperties: false },
);
export const RetryBody = Type.Object({ overrideWindow: Type.Optional(OverrideWindow) }, { additionalProperties: false });

export const LogQuery = Type.Object(
  {
    since: Type.Optional(Seq({ default: 0 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, default: 1_000 })),
  },
  { additionalProperties: false },
);

export const EventView = Type.Object({
  seq: Type.Integer(),
  at: Type.String({ format: 'date-time' }),
  type: Type.String(),
  stage: Nullable(Type.String()),
  target: Nullable(Type.String()),
  stream: Nullable(Type.String()),
  text: Nullable(Type.String()),
  data: Type.Unknown(),
});
export const LogPage = Type.Object({ events: Type.Array(EventView), lastSeq: Type.Integer(), more: Type.Boolean() });
export const ReleaseIdParams = Type.Object({ id: Uuid }, { additionalProperties: false });

export const EnvironmentIdParams = Type.Object({ id: Uuid }, { additionalProperties: false });
export const VersionQuery = Type.Object(
  { check: Type.Optional(Type.Boolean({ description: 'read each server\'s `current` over SSH and report drift' })) },
  { additionalProperties: false },
);
export const VersionMatrix = Type.Object({
  environmentId: Uuid,
  deployPath: Type.String(),
  checkedAt: Timestamp,
  servers: Type.Array(
    Type.Object({
      serverId: Uuid,
      serverName: Type.String(),
      host: Type.String(),
      recorded: Nullable(Type.Object({ releaseId: Uuid, ref: Type.String(), commit: Type.String(), at: Timestamp })),
      actual: Nullable(Type.String()),
      drift: Nullable(Type.Boolean()),
      error: Nullable(Type.String()),
    }),
  ),
});

export const ChangesQuery = Type.Object({ ref: RefName({ description: 'the branch, tag or commit the release would ship' }) }, { additionalProperties: false });
/** What a release of `ref` would change in the environment: the commits after the one it runs now. */
export const ChangesView = Type.Object({
  ref: Type.String(),
  /** The commit the environment runs now (its last successful release), or null before the first. */
  from: Nullable(Type.Object({ commit: Type.String(), releaseId: Uuid, ref: Type.String() })),
  /** Newest first; at most 100. */
  commits: Type.Array(Type.Object({ sha: Type.String(), message: Type.String(), author: Type.String(), date: Type.String(), webUrl: Nullable(Type.String()) })),
  truncated: Type.Boolean(),
  /** Where the list came from: the linked Git platform's compare API, or git itself. */
  source: Type.Union([Type.Literal('gitlab'), Type.Literal('git')]),
  /** Why there is no list (the first release, a running commit that `ref` does not contain), or null. */
  note: Nullable(Type.String()),
});

export const TriggerView = Type.Object({
  prefix: Type.String(),
  defaultRef: Type.String(),
  createdBy: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  lastUsedAt: Timestamp,
});
/** `trigger: null` is the ordinary "no token issued", not an error. */
export const TriggerStatus = Type.Object({ trigger: Nullable(TriggerView) });
export const IssueTriggerBody = Type.Object({ defaultRef: RefName() }, { additionalProperties: false });
export const IssuedTrigger = Type.Object({ token: Type.String({ description: 'shown once' }), trigger: TriggerView });
export const TriggerParams = Type.Object({ token: Str(128, { minLength: 1 }) }, { additionalProperties: false });
export const FireTriggerBody = Type.Object(
  { ref: Type.Optional(RefName()), description: Type.Optional(Str(2000)) },
  { additionalProperties: false },
);

export const MoveBody = Type.Object(
  { before: Type.Optional(Uuid) },
  { additionalProperties: false, description: 'queue this release just before another queued release of the same environment; without `before`, at the end' },
);

export const SettingChange = Type.Object({
  field: Type.String({ description: 'project.restartCommand, environment.variables.API_URL, …' }),
  before: Nullable(Type.String({ description: 'as planned; null: not set then; secret variables read (secret)' })),
  after: Nullable(Type.String({ description: 'what a run uses now; null: not set any more' })),
});
export const SettingsChanges = Type.Object({
  changed: Type.Boolean(),
  recordedAt: Nullable(Type.String({ format: 'date-time', description: 'when the settings were recorded; null for releases created before they were' })),
  changes: Type.Array(SettingChange),
});

export type ReleaseStateSchema = Static<typeof ReleaseStateSchema>;
export type TargetView = Static<typeof TargetView>;
export type ReleaseView = Static<typeof ReleaseView>;
export type ReleasePage = Static<typeof ReleasePage>;
export type ReleaseQuery = Static<typeof ReleaseQuery>;
export type CreateReleaseBody = Static<typeof CreateReleaseBody>;
export type DryRunBody = Static<typeof DryRunBody>;
export type DryRunPlan = Static<typeof DryRunPlan>;
export type ReviewBody = Static<typeof ReviewBody>;
export type RollbackBody = Static<typeof RollbackBody>;
export type RetryBody = Static<typeof RetryBody>;
export type LogQuery = Static<typeof LogQuery>;
export type EventView = Static<typeof EventView>;
export type LogPage = Static<typeof LogPage>;
export type ReleaseIdParams = Static<typeof ReleaseIdParams>;
export type EnvironmentIdParams = Static<typeof EnvironmentIdParams>;
export type VersionQuery = Static<typeof VersionQuery>;
export type ChangesQuery = Static<typeof ChangesQuery>;
export type ChangesView = Static<typeof ChangesView>;
export type VersionMatrix = Static<typeof VersionMatrix>;
export type TriggerView = Static<typeof TriggerView>;
export type TriggerStatus = Static<typeof TriggerStatus>;
export type IssueTriggerBody = Static<typeof IssueTriggerBody>;
export type IssuedTrigger = Static<typeof IssuedTrigger>;
export type TriggerParams = Static<typeof TriggerParams>;
export type FireTriggerBody = Static<typeof FireTriggerBody>;
export type MoveBody = Static<typeof MoveBody>;
export type SettingChange = Static<typeof SettingChange>;
export type SettingsChanges = Static<typeof SettingsChanges>;

export { ROLLBACK_CONCURRENCY, ROLLBACK_ROLLOUTS, type RollbackRollout };
