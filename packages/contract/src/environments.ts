import { Type, type Static } from 'typebox';
import { AutoReleaseInput, AutoReleaseView } from './auto-release.js';
import { HOOK_SCRIPT_MAX, REF_PATTERN_CHARS, SECRET_MASK } from './rules.js';
import { ArchivedAt, ArchivedFilter, Line, Script, Slug, Timestamps } from './fields.js';
import { Page, PageQuery, Str, Uuid } from './common.js';

export { SECRET_MASK };


const DeployPath = Str(1024, { minLength: 2, pattern: '^/[A-Za-z0-9._@+=:,/-]+$', description: 'absolute; letters, digits and ._@+=:,/- only' });
const VariableKey = Str(128, { minLength: 1, pattern: '^[A-Z_][A-Z0-9_]*$' });
const VariableValue = Str(16_384, { pattern: '^[^\\u0000]*$' });

export const VariableInput = Type.Object(
  {
    key: VariableKey,
    value: Type.Optional(VariableValue),
    secret: Type.Optional(Type.Boolean({ description: 'stored encrypted, shown as ******' })),
  },
  { additionalProperties: false, description: `a secret sent without value, or with "${SECRET_MASK}", keeps its stored value` },
);
export const VariableView = Type.Object({ key: Type.String(), value: Type.String(), secret: Type.Boolean() });

const BatchSize = Type.Union([Type.Integer({ minimum: 1, maximum: 100_000 }), Str(4, { pattern: '^(100|[1-9][0-9]?)%$' })]);

// No `default`s inside unions: Ajv would apply one branch's defaults before trying the next.
export const RolloutInput = Type.Object(
  {
    strategy: Type.Union([Type.Literal('parallel'), Type.Literal('serial'), Type.Literal('batches')]),
    concurrency: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
    batches: Type.Optional(Type.Array(BatchSize, { minItems: 1, maxItems: 20, description: 'cumulative sizes, e.g. [1, "25%", "100%"]' })),
    betweenBatches: Type.Optional(
      Type.Union([
        Type.Object({ mode: Type.Literal('auto'), seconds: Type.Integer({ minimum: 0, maximum: 86_400 }) }, { additionalProperties: false }),
        Type.Object({ mode: Type.Literal('manual') }, { additionalProperties: false }),
      ]),
    ),
    failure: Type.Optional(Type.Object({ tolerate: Type.Integer({ minimum: 0, maximum: 10_000 }) }, { additionalProperties: false })),
    autoRollback: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export const RolloutView = Type.Object({
  strategy: Type.String(),
  concurrency: Type.Integer(),
  batches: Type.Array(Type.Union([Type.Integer(), Type.String()])),
  betweenBatches: Type.Union([Type.Object({ mode: Type.Literal('auto'), seconds: Type.Integer() }), Type.Object({ mode: Type.Literal('manual') })]),
  failure: Type.Object({ tolerate: Type.Integer() }),
  autoRollback: Type.Boolean(),
});

const Time = Str(5, { pattern: '^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$' });
export const ReleaseWindowSchema = Type.Object(
  {
    days: Type.Array(Type.Integer({ minimum: 0, maximum: 6 }), { minItems: 1, maxItems: 7, uniqueItems: true, description: '0 = Sunday … 6 = Saturday' }),
    start: Time,
    end: Time,
  },
  { additionalProperties: false, description: 'an end before the start runs past midnight' },
);
const Windows = Type.Array(ReleaseWindowSchema, { maxItems: 50 });

/** A glob, not a regular expression: `*` matches any run of characters, `?` one; anchored at both ends. */
const RefPattern = Str(100, { minLength: 1, pattern: REF_PATTERN_CHARS, description: 'glob over the branch or tag name: * any run of characters, ? one; e.g. v*' });
export const RefPolicy = Type.Union([
  Type.Object({ kind: Type.Literal('any') }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('tags'), pattern: Type.Optional(RefPattern) }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('branches'), pattern: Type.Optional(RefPattern) }, { additionalProperties: false }),
]);

const UserIds = Type.Array(Uuid, { maxItems: 100, uniqueItems: true, description: 'members of the project\'s group with the developer role or above' });

/** Who may do what in one environment. Every field is optional; an omitted one keeps its default (the rules before policies existed). */
export const ReleasePolicyInput = Type.Object(
  {
    releasers: Type.Optional(
      Type.Union([Type.Literal('developers'), Type.Literal('owners'), Type.Literal('named')], {
        description: 'developers (default): developers and up; owners: owners and administrators; named: owners, administrators and releaserIds',
      }),
    ),
    releaserIds: Type.Optional(UserIds),
    approvers: Type.Optional(
      Type.Union([Type.Literal('owners'), Type.Literal('named')], { description: 'owners (default): owners and administrators; named: those and approverIds' }),
    ),
    approverIds: Type.Optional(UserIds),
    refPolicy: Type.Optional(RefPolicy),
    customRollout: Type.Optional(
      Type.Union([Type.Literal('everyone'), Type.Literal('owners')], { description: 'who may override the environment\'s rollout when creating a release (default everyone)' }),
    ),
  },
  { additionalProperties: false, description: 'replaced whole on update' },
);
export const ReleasePolicyView = Type.Object({
  releasers: Type.Union([Type.Literal('developers'), Type.Literal('owners'), Type.Literal('named')]),
  releaserIds: Type.Array(Type.String()),
  approvers: Type.Union([Type.Literal('owners'), Type.Literal('named')]),
  approverIds: Type.Array(Type.String()),
  refPolicy: Type.Object({ kind: Type.Union([Type.Literal('any'), Type.Literal('tags'), Type.Literal('branches')]), pattern: Type.Optional(Type.String()) }),
  customRollout: Type.Union([Type.Literal('everyone'), Type.Literal('owners')]),
});

/**
 * Taking each target out of the load balancer around its switch and restart: `offlineScript` runs on the target in
 * the deploy path before the switch (empty = never), then the drain; `onlineScript` runs after the target's last
 * switch of the run, also after a failure or an abort.
 */
const trafficInput = {
  offlineScript: Type.Optional(Script(HOOK_SCRIPT_MAX)),
  onlineScript: Type.Optional(Script(HOOK_SCRIPT_MAX)),
  drainSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 3600, description: 'seconds to wait after the offline script so requests in flight finish' })),
};

/**
 * Server groups: servers of the project's group carrying every one of these labels (`role=web,zone=a`) are targets
 * besides the listed ones; a release resolves it when created and records the hosts.
 */
const ServerSelector = Str(512, {
  minLength: 1,
  pattern: '^[A-Za-z0-9][A-Za-z0-9._:/=-]*(,[A-Za-z0-9][A-Za-z0-9._:/=-]*)*$',
  description: 'comma-separated labels every selected server carries, e.g. role=web,zone=a',
});

const TimeZone = Str(64, { minLength: 1, pattern: '^[A-Za-z0-9_+/-]+$', description: 'IANA time zone, e.g. Asia/Shanghai' });

export const EnvironmentView = Type.Object({
  id: Uuid,
  projectId: Uuid,
  name: Type.String(),
  deployPath: Type.String(),
  servers: Type.Array(Type.Object({ id: Uuid, name: Type.String(), host: Type.String() })),
  variables: Type.Array(VariableView),
  rollout: RolloutView,
  requireApproval: Type.Boolean(),
  rollbackNeedsApproval: Type.Boolean(),
  releaseWindows: Type.Array(Type.Object({ days: Type.Array(Type.Integer()), start: Type.String(), end: Type.String() })),
  timezone: Type.String(),
  policy: ReleasePolicyView,
  autoRelease: AutoReleaseView,
  offlineScript: Type.String(),
  onlineScript: Type.String(),
  drainSeconds: Type.Integer(),
  serverSelector: Type.Union([Type.String(), Type.Null()]),
  archivedAt: ArchivedAt,
  ...Timestamps,
});
export const EnvironmentPage = Page(EnvironmentView);
export const EnvironmentQuery = Type.Object({ ...PageQuery, q: Type.Optional(Line(64)), archived: Type.Optional(ArchivedFilter) }, { additionalProperties: false });

const ServerIds = Type.Array(Uuid, { maxItems: 500, uniqueItems: true });
const Variables = Type.Array(VariableInput, { maxItems: 200 });

export const CreateEnvironmentBody = Type.Object(
  {
    name: Slug(64),
    deployPath: DeployPath,
    serverIds: Type.Optional(ServerIds),
    variables: Type.Optional(Variables),
    rollout: Type.Optional(RolloutInput),
    requireApproval: Type.Optional(Type.Boolean()),
    rollbackNeedsApproval: Type.Optional(
      Type.Boolean({ description: 'rollbacks wait for approval too (with requireApproval); default false: a rollback returns to a version that already ran here' }),
    ),
    releaseWindows: Type.Optional(Windows),
    timezone: Type.Optional(TimeZone),
    policy: Type.Optional(ReleasePolicyInput),
    autoRelease: Type.Optional(AutoReleaseInput),
    ...trafficInput,
    serverSelector: Type.Optional(Type.Union([ServerSelector, Type.Null()])),
  },
  { additionalProperties: false },
);

/** Lists (servers, variables, windows) are replaced as a whole. */
export const UpdateEnvironmentBody = Type.Object(
  {
    name: Type.Optional(Slug(64)),
    deployPath: Type.Optional(DeployPath),
    serverIds: Type.Optional(ServerIds),
    variables: Type.Optional(Variables),
    rollout: Type.Optional(RolloutInput),
    requireApproval: Type.Optional(Type.Boolean()),
    rollbackNeedsApproval: Type.Optional(
      Type.Boolean({ description: 'rollbacks wait for approval too (with requireApproval); default false: a rollback returns to a version that already ran here' }),
    ),
    releaseWindows: Type.Optional(Windows),
    timezone: Type.Optional(TimeZone),
    policy: Type.Optional(ReleasePolicyInput),
    autoRelease: Type.Optional(AutoReleaseInput),
    ...trafficInput,
    serverSelector: Type.Optional(Type.Union([ServerSelector, Type.Null()])),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const WindowStatus = Type.Object({
  inside: Type.Boolean({ description: 'true when a release may start now (always, without windows)' }),
  restricted: Type.Boolean({ description: 'false when the environment has no windows' }),
  timezone: Type.String(),
  now: Type.String({ format: 'date-time' }),
  localTime: Type.String({ description: 'the wall clock in the time zone, e.g. 2026-11-23 10:05 Mon' }),
  windows: Type.Array(Type.Object({ days: Type.Array(Type.Integer()), start: Type.String(), end: Type.String() })),
});

export type VariableInput = Static<typeof VariableInput>;
export type VariableView = Static<typeof VariableView>;
export type RolloutInput = Static<typeof RolloutInput>;
export type RolloutView = Static<typeof RolloutView>;
export type ReleaseWindowSchema = Static<typeof ReleaseWindowSchema>;
export type RefPolicy = Static<typeof RefPolicy>;
export type ReleasePolicyInput = Static<typeof ReleasePolicyInput>;
export type ReleasePolicyView = Static<typeof ReleasePolicyView>;
export type EnvironmentView = Static<typeof EnvironmentView>;
export type EnvironmentPage = Static<typeof EnvironmentPage>;
export type EnvironmentQuery = Static<typeof EnvironmentQuery>;
export type CreateEnvironmentBody = Static<typeof CreateEnvironmentBody>;
export type UpdateEnvironmentBody = Static<typeof UpdateEnvironmentBody>;
export type WindowStatus = Static<typeof WindowStatus>;
