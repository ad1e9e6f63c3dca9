import { Type, type Static } from 'typebox';
import { Nullable, Page, PageQuery, Uuid } from './common.js';
import { Line } from './fields.js';

export const VersionsOverviewQuery = Type.Object(
  {
    ...PageQuery,
    groupId: Type.Optional(Uuid),
    projectId: Type.Optional(Uuid),
    q: Type.Optional(Line(100, { description: 'part of the project name, any case' })),
  },
  { additionalProperties: false },
);

const ReleaseRef = {
  number: Nullable(Type.Integer()),
  ref: Type.String(),
  commit: Type.String(),
};

/** What one host runs as the platform recorded it: no SSH read here (the per-environment page's "check" does that). */
export const HostVersion = Type.Object({
  serverId: Uuid,
  serverName: Type.String(),
  host: Type.String(),
  recorded: Nullable(
    Type.Object({
      releaseId: Uuid,
      ...ReleaseRef,
      switchedAt: Nullable(Type.String({ format: 'date-time', description: "this host's own switch, else its target's end" })),
    }),
  ),
});

export const EnvironmentOverview = Type.Object({
  id: Uuid,
  name: Type.String(),
  current: Nullable(
    Type.Object({
      id: Uuid,
      ...ReleaseRef,
      at: Nullable(Type.String({ format: 'date-time', description: 'when it (or the rollback to it) finished' })),
    }),
  ),
  servers: Type.Array(HostVersion),
  mixed: Type.Boolean({ description: 'the hosts are not all on one recorded release (a host never deployed to counts as different)' }),
});

export const ProjectVersions = Type.Object({
  id: Uuid,
  name: Type.String(),
  group: Type.Object({ id: Uuid, name: Type.String() }),
  environments: Type.Array(EnvironmentOverview),
});

export const VersionsOverviewPage = Page(ProjectVersions);

export type VersionsOverviewQuery = Static<typeof VersionsOverviewQuery>;
export type HostVersion = Static<typeof HostVersion>;
export type EnvironmentOverview = Static<typeof EnvironmentOverview>;
export type ProjectVersions = Static<typeof ProjectVersions>;
export type VersionsOverviewPage = Static<typeof VersionsOverviewPage>;
