import { Type, type Static } from 'typebox';
import { GIT_PLATFORM_KINDS } from './rules.js';
import { Line, Name, NullableUuid, Timestamps } from './fields.js';
import { Page, PageQuery, Str, Uuid } from './common.js';

export const GitPlatformKind = Type.Enum(GIT_PLATFORM_KINDS);

const BaseUrl = Str(2048, {
  minLength: 1,
  pattern: '^https?://[^\\s/?#@]+(/[^\\s?#]*)?$',
  description: 'the web address of the instance, e.g. https://git.example.com or https://example.com/gitlab (no user, query or fragment)',
});

/** The outcome of the last "test connection"; null fields until one ran. */
export const GitPlatformCheck = Type.Object({
  checkedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  ok: Type.Union([Type.Boolean(), Type.Null()]),
  message: Type.Union([Type.String(), Type.Null()]),
  tokenUser: Type.Union([Type.String(), Type.Null()], { description: 'the account the token belongs to' }),
  tokenScopes: Type.Array(Type.String(), { description: 'what the token may do, as the platform reports it' }),
});

/** Project sync: whether one runs now, and how the last one went. */
export const GitPlatformSync = Type.Object({
  runningSince: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  mode: Type.Union([Type.Literal('full'), Type.Literal('incremental'), Type.Null()], { description: 'of the running or last sync' }),
  syncedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'start of the last sync that succeeded' }),
  fullSyncedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  ok: Type.Union([Type.Boolean(), Type.Null()]),
  message: Type.Union([Type.String(), Type.Null()]),
  projects: Type.Integer({ minimum: 0, description: 'projects stored for this platform' }),
});

/** What the API shows of a Git platform: the token stays in its credential, which shows no secret either. */
export const GitPlatformView = Type.Object({
  id: Uuid,
  groupId: Type.Union([Uuid, Type.Null()], { description: 'null: a global platform (administrators)' }),
  name: Type.String(),
  kind: GitPlatformKind,
  baseUrl: Type.String(),
  credentialId: Uuid,
  credentialName: Type.String(),
  check: GitPlatformCheck,
  sync: GitPlatformSync,
  ...Timestamps,
});
export const GitPlatformPage = Page(GitPlatformView);

export const SyncGitPlatformBody = Type.Object(
  { mode: Type.Optional(Type.Union([Type.Literal('full'), Type.Literal('incremental')], { description: 'full (default): every project, and drop the ones no longer visible; incremental: those active since the last sync' })) },
  { additionalProperties: false },
);

/** A project the platform's token can see, as the last sync stored it. */
export const RemoteProjectView = Type.Object({
  id: Uuid,
  platformId: Uuid,
  remoteId: Type.String({ description: 'the platform\'s own project id' }),
  pathWithNamespace: Type.String(),
  name: Type.String(),
  description: Type.String(),
  defaultBranch: Type.Union([Type.String(), Type.Null()]),
  httpUrl: Type.String(),
  sshUrl: Type.Union([Type.String(), Type.Null()]),
  webUrl: Type.String(),
  archived: Type.Boolean(),
  lastActivityAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
export const RemoteProjectPage = Page(RemoteProjectView);

export const RemoteProjectQuery = Type.Object(
  {
    ...PageQuery,
    q: Type.Optional(Line(200, { description: 'part of the namespace or name' })),
    archived: Type.Optional(Type.Boolean({ description: 'only archived (true) or only active (false) projects' })),
  },
  { additionalProperties: false },
);

export const GitPlatformQuery = Type.Object(
  {
    ...PageQuery,
    q: Type.Optional(Line(100)),
    kind: Type.Optional(GitPlatformKind),
    groupId: Type.Optional(Uuid),
  },
  { additionalProperties: false },
);

export const CreateGitPlatformBody = Type.Object(
  {
    groupId: Type.Optional(NullableUuid),
    name: Name(100),
    kind: GitPlatformKind,
    baseUrl: BaseUrl,
    credentialId: Type.String({ format: 'uuid', maxLength: 36, description: 'a git_token credential of the same group, or a global one' }),
  },
  { additionalProperties: false },
);

export const UpdateGitPlatformBody = Type.Object(
  {
    name: Type.Optional(Name(100)),
    baseUrl: Type.Optional(BaseUrl),
    credentialId: Type.Optional(Type.String({ format: 'uuid', maxLength: 36 })),
  },
  { additionalProperties: false, minProperties: 1 },
);

export type GitPlatformView = Static<typeof GitPlatformView>;
export type GitPlatformPage = Static<typeof GitPlatformPage>;
export type GitPlatformQuery = Static<typeof GitPlatformQuery>;
export type GitPlatformCheck = Static<typeof GitPlatformCheck>;
export type CreateGitPlatformBody = Static<typeof CreateGitPlatformBody>;
export type GitPlatformSync = Static<typeof GitPlatformSync>;
export type SyncGitPlatformBody = Static<typeof SyncGitPlatformBody>;
export type RemoteProjectView = Static<typeof RemoteProjectView>;
export type RemoteProjectPage = Static<typeof RemoteProjectPage>;
export type RemoteProjectQuery = Static<typeof RemoteProjectQuery>;
export type UpdateGitPlatformBody = Static<typeof UpdateGitPlatformBody>;
