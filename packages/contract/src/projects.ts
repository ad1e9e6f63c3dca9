import { Type, type TSchema, type Static } from 'typebox';
import { ArchivedAt, ArchivedFilter, Line, NullableUuid, RefName, Script, Slug, Timestamps } from './fields.js';
import { Page, PageQuery, Str, Uuid } from './common.js';
import { PRESET_IDS } from './presets.js';
import { HOOK_SCRIPT_MAX, HOOK_STAGES, type HookStage } from './rules.js';
import { ServiceConfig } from './supervision.js';

export { HOOK_SCRIPT_MAX, HOOK_STAGES, type HookStage };

const COMMAND_MAX = 16 * 1024;

export const Preset = Type.Enum(PRESET_IDS);
export const Stage = Type.Enum(HOOK_STAGES);

/** The characters the engine accepts in paths; `..` segments and absolute paths are refused by the service. */
const RelPath = Str(1024, { minLength: 1, pattern: '^[A-Za-z0-9._@+=:,/-]+$', description: 'relative to the checkout / release, no ".."' });
const Paths = Type.Array(RelPath, { maxItems: 50, uniqueItems: true });

// No `default`s inside the union: Ajv would apply the first branch's defaults before trying the second.
// The service fills them in (normaliseHealthCheck).
const Attempts = {
  timeoutSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 600, description: 'default 5' })),
  retries: Type.Optional(Type.Integer({ minimum: 0, maximum: 50, description: 'default 3' })),
  intervalSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 300, description: 'first wait between attempts, doubling each time; default 2' })),
};
export const HealthCheckInput = Type.Union([
  Type.Object(
    {
      type: Type.Literal('http'),
      url: Str(2048, { pattern: '^https?://[^\\s]+$', description: 'fetched on the target; {{VAR}} is replaced from the environment\'s variables' }),
      expectStatus: Type.Optional(Type.Integer({ minimum: 100, maximum: 599, description: 'default 200' })),
      ...Attempts,
    },
    { additionalProperties: false },
  ),
  Type.Object({ type: Type.Literal('command'), command: Script(COMMAND_MAX), ...Attempts }, { additionalProperties: false }),
]);

const Tries = { timeoutSeconds: Type.Integer(), retries: Type.Integer(), intervalSeconds: Type.Integer() };
export const HealthCheck = Type.Union([
  Type.Object({ type: Type.Literal('http'), url: Type.String(), expectStatus: Type.Integer(), ...Tries }),
  Type.Object({ type: Type.Literal('command'), command: Type.String(), ...Tries }),
]);

const hookFields = <T extends TSchema>(schema: T) =>
  Object.fromEntries(HOOK_STAGES.map((stage) => [stage, Type.Optional(schema)])) as Record<HookStage, ReturnType<typeof Type.Optional<T>>>;
const HookScript = Script(HOOK_SCRIPT_MAX);

/** How the artifact is packed: gzip level 1, zstd when the platform and every target have it (else gzip), or none. */
export const PackageCompression = Type.Union([Type.Literal('gzip'), Type.Literal('zstd'), Type.Literal('none')], {
  description: 'gzip (level 1, the default) | zstd (falls back to gzip unless the platform host and every target have zstd) | none (for artifacts that are compressed already)',
});

export const ProjectView = Type.Object({
  id: Uuid,
  groupId: Uuid,
  name: Type.String(),
  description: Type.String(),
  gitUrl: Type.String(),
  gitCredentialId: Type.Union([Uuid, Type.Null()]),
  buildAgentId: Type.Union([Uuid, Type.Null()], { description: 'the build agent the project builds on; null builds on the platform host in the sandbox' }),
  preset: Type.String(),
  buildCommand: Type.String(),
  artifactPaths: Type.Array(Type.String()),
  packageCompression: PackageCompression,
  sharedDirs: Type.Array(Type.String()),
  sharedFiles: Type.Array(Type.String()),
  keepReleases: Type.Integer(),
  restartCommand: Type.String(),
  healthCheck: Type.Union([HealthCheck, Type.Null()]),
  hooks: Type.Object(hookFields(Type.String())),
  service: ServiceConfig,
  defaultBranch: Type.Union([Type.String(), Type.Null()], { description: 'the branch the release form offers first' }),
  gitPlatformId: Type.Union([Uuid, Type.Null()], { description: 'the Git platform the project was imported from' }),
  remoteProjectId: Type.Union([Type.String(), Type.Null()], { description: 'the project\'s id on that platform' }),
  environmentCount: Type.Integer(),
  archivedAt: ArchivedAt,
  ...Timestamps,
});
export const ProjectPage = Page(ProjectView);

export const ProjectQuery = Type.Object({ ...PageQuery, q: Type.Optional(Line(100)), groupId: Type.Optional(Uuid), archived: Type.Optional(ArchivedFilter) }, { additionalProperties: false });

const GitUrl = Str(2048, { minLength: 1, description: 'https://, ssh://, git://, file:// or git@host:path; ssh URLs take an ssh_key credential (a deploy key), https ones a git_token' });

export const CreateProjectBody = Type.Object(
  {
    groupId: Uuid,
    name: Slug(100),
    description: Type.Optional(Line(500)),
    gitUrl: GitUrl,
    gitCredentialId: Type.Optional(NullableUuid),
    buildAgentId: Type.Optional(NullableUuid),
    defaultBranch: Type.Optional(Type.Union([RefName({ description: 'the branch the release form offers first' }), Type.Null()])),
    gitPlatformId: Type.Optional(NullableUuid),
    remoteProjectId: Type.Optional(Type.Union([Str(20, { pattern: '^[1-9][0-9]{0,18}$', description: 'the project\'s id on the Git platform (with gitPlatformId; a project the last sync found)' }), Type.Null()])),
    preset: Preset,
    buildCommand: Type.Optional(Script(COMMAND_MAX)),
    artifactPaths: Type.Optional(Paths),
    packageCompression: Type.Optional(PackageCompression),
    sharedDirs: Type.Optional(Paths),
    sharedFiles: Type.Optional(Paths),
    keepReleases: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })),
    restartCommand: Type.Optional(Script(COMMAND_MAX)),
    healthCheck: Type.Optional(Type.Union([HealthCheckInput, Type.Null()])),
    hooks: Type.Optional(Type.Object(hookFields(HookScript), { additionalProperties: false })),
    service: Type.Optional(ServiceConfig),
  },
  { additionalProperties: false },
);

/** `hooks` merges: a stage set to null is removed, stages left out stay as they are. */
export const UpdateProjectBody = Type.Object(
  {
    name: Type.Optional(Slug(100)),
    description: Type.Optional(Line(500)),
    gitUrl: Type.Optional(GitUrl),
    gitCredentialId: Type.Optional(NullableUuid),
    buildAgentId: Type.Optional(NullableUuid),
    defaultBranch: Type.Optional(Type.Union([RefName({ description: 'the branch the release form offers first' }), Type.Null()])),
    gitPlatformId: Type.Optional(NullableUuid),
    remoteProjectId: Type.Optional(Type.Union([Str(20, { pattern: '^[1-9][0-9]{0,18}$', description: 'the project\'s id on the Git platform (with gitPlatformId; a project the last sync found)' }), Type.Null()])),
    preset: Type.Optional(Preset),
    buildCommand: Type.Optional(Script(COMMAND_MAX)),
    artifactPaths: Type.Optional(Paths),
    packageCompression: Type.Optional(PackageCompression),
    sharedDirs: Type.Optional(Paths),
    sharedFiles: Type.Optional(Paths),
    keepReleases: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })),
    restartCommand: Type.Optional(Script(COMMAND_MAX)),
    healthCheck: Type.Optional(Type.Union([HealthCheckInput, Type.Null()])),
    hooks: Type.Optional(Type.Object(hookFields(Type.Union([HookScript, Type.Null()])), { additionalProperties: false })),
    service: Type.Optional(ServiceConfig),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const HookParams = Type.Object({ id: Uuid, stage: Stage }, { additionalProperties: false });
export const ApplyTemplateBody = Type.Object({ templateId: Uuid }, { additionalProperties: false });

export const PresetView = Type.Object({
  id: Preset,
  label: Type.String(),
  description: Type.String(),
  buildCommand: Type.String(),
  artifactPaths: Type.Array(Type.String()),
  sharedDirs: Type.Array(Type.String()),
  sharedFiles: Type.Array(Type.String()),
  restartCommand: Type.String(),
  healthCheck: Type.Union([HealthCheck, Type.Null()]),
  service: ServiceConfig,
});
export const PresetList = Type.Object({ items: Type.Array(PresetView) });

export const RefsView = Type.Object({
  branches: Type.Array(Type.Object({ name: Type.String(), sha: Type.String() })),
  tags: Type.Array(Type.Object({ name: Type.String(), sha: Type.String() })),
  fetchedAt: Type.String({ format: 'date-time', description: 'refs are cached for 30 seconds' }),
});
export const CommitsQuery = Type.Object(
  {
    ref: Type.Optional(RefName({ description: 'branch or tag; the repository\'s default branch when absent' })),
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
    refresh: Type.Optional(Type.Boolean({ description: 'skip the 30 s cache' })),
  },
  { additionalProperties: false },
);
export const CommitsView = Type.Object({
  ref: Type.String(),
  commits: Type.Array(
    Type.Object({ sha: Type.String(), message: Type.String(), author: Type.String(), date: Type.String(), webUrl: Type.Union([Type.String(), Type.Null()], { description: 'the commit on its Git platform (linked projects)' }) }),
  ),
  fetchedAt: Type.String({ format: 'date-time', description: 'commits are cached for 30 seconds' }),
});
export const RefsQuery = Type.Object({ refresh: Type.Optional(Type.Boolean({ description: 'skip the 30 s cache' })) }, { additionalProperties: false });

export type Preset = Static<typeof Preset>;
export type Stage = Static<typeof Stage>;
export type HealthCheckInput = Static<typeof HealthCheckInput>;
export type HealthCheck = Static<typeof HealthCheck>;
export type ProjectView = Static<typeof ProjectView>;
export type ProjectPage = Static<typeof ProjectPage>;
export type ProjectQuery = Static<typeof ProjectQuery>;
export type CreateProjectBody = Static<typeof CreateProjectBody>;
export type UpdateProjectBody = Static<typeof UpdateProjectBody>;
export type HookParams = Static<typeof HookParams>;
export type ApplyTemplateBody = Static<typeof ApplyTemplateBody>;
export type PresetView = Static<typeof PresetView>;
export type PresetList = Static<typeof PresetList>;
export type RefsView = Static<typeof RefsView>;
export type CommitsQuery = Static<typeof CommitsQuery>;
export type CommitsView = Static<typeof CommitsView>;
export type RefsQuery = Static<typeof RefsQuery>;
