import { Type, type Static } from 'typebox';
import { Nullable, Page, PageQuery, Uuid } from './common.js';

/** up: the last check passed; down: `failuresToDown` checks in a row failed; unknown: not known (yet, or paused). */
export const HOST_STATES = ['up', 'down', 'unknown'] as const;
export type HostStateName = (typeof HOST_STATES)[number];
export const HostState = Type.Enum(HOST_STATES);

export const MONITOR_LIMITS = {
  intervalSeconds: { minimum: 1, maximum: 3600, default: 30 },
  failuresToDown: { minimum: 1, maximum: 20, default: 3 },
} as const;

export const MonitorSettings = Type.Object({
  paused: Type.Boolean(),
  intervalSeconds: Type.Integer({ description: 'seconds between two checks of each host' }),
  failuresToDown: Type.Integer({ description: 'failed checks in a row before a host is down' }),
});

export const UpdateMonitorBody = Type.Object(
  {
    paused: Type.Optional(Type.Boolean({ description: 'stops the checks; the hosts become unknown, no alarm is raised' })),
    intervalSeconds: Type.Optional(Type.Integer({ minimum: MONITOR_LIMITS.intervalSeconds.minimum, maximum: MONITOR_LIMITS.intervalSeconds.maximum })),
    failuresToDown: Type.Optional(Type.Integer({ minimum: MONITOR_LIMITS.failuresToDown.minimum, maximum: MONITOR_LIMITS.failuresToDown.maximum })),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const HostStatusView = Type.Object({
  serverId: Uuid,
  serverName: Type.String(),
  host: Type.String(),
  state: HostState,
  /** Since when the host is in this state; null when it was never checked. */
  since: Nullable(Type.String({ format: 'date-time' })),
  /** The slot of the last check: when it was due, and began (a worker's timer may start it a moment later). */
  checkedAt: Nullable(Type.String({ format: 'date-time' })),
  /** Failed checks in a row. */
  failures: Type.Integer(),
  /** What the service manager says of the process (`RUNNING pid 42 …`), or `no manager`. */
  process: Nullable(Type.String()),
  /** Whether the health check passed; null when the project has none or it could not run. */
  healthy: Nullable(Type.Boolean()),
  /** The release `current` points at. */
  version: Nullable(Type.String()),
  diskFreeBytes: Nullable(Type.Integer()),
  /** Why the last check failed. */
  detail: Nullable(Type.String()),
});

export const EnvironmentStatus = Type.Object({
  environmentId: Uuid,
  monitor: MonitorSettings,
  servers: Type.Array(HostStatusView),
});

export const HostStatusChangeView = Type.Object({
  id: Type.String({ description: 'a decimal number, in order of creation' }),
  serverId: Uuid,
  serverName: Type.String(),
  from: HostState,
  to: HostState,
  at: Type.String({ format: 'date-time' }),
  detail: Nullable(Type.String()),
});
export const HostStatusChangePage = Page(HostStatusChangeView);

export const HostStatusChangeQuery = Type.Object({ ...PageQuery, serverId: Type.Optional(Uuid) }, { additionalProperties: false });

export type MonitorSettings = Static<typeof MonitorSettings>;
export type UpdateMonitorBody = Static<typeof UpdateMonitorBody>;
export type HostStatusView = Static<typeof HostStatusView>;
export type EnvironmentStatus = Static<typeof EnvironmentStatus>;
export type HostStatusChangeView = Static<typeof HostStatusChangeView>;
export type HostStatusChangePage = Static<typeof HostStatusChangePage>;
export type HostStatusChangeQuery = Static<typeof HostStatusChangeQuery>;
