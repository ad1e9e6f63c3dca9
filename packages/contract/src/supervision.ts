import { Type, type Static } from 'typebox';
import { Str, Uuid } from './common.js';
import { SERVICE_MANAGERS, type ServiceManager } from './rules.js';

export { SERVICE_MANAGERS, type ServiceManager };

export const SERVICE_STOP_SIGNALS = ['TERM', 'INT', 'QUIT', 'HUP', 'KILL', 'USR1', 'USR2'] as const;
export type ServiceStopSignal = (typeof SERVICE_STOP_SIGNALS)[number];

/** Where the generated files go when the config names no other place. */
export const SYSTEMD_UNIT_DIR = '/etc/systemd/system';
export const SUPERVISOR_PROGRAM_DIR = '/etc/supervisor/conf.d';
/** Debian's supervisord.conf; supervisorctl finds it by itself, so it is passed with `-c` only when set. */
export const SUPERVISOR_CONFIG_PATH = '/etc/supervisor/supervisord.conf';

/**
 * Values land inside unit files, supervisor's INI, JSON and crontab lines, each with its own idea of a line break:
 * no control character is ever meaningful in them, so none is accepted (the renderers escape the rest).
 */
const NO_CONTROL = '^[^\\u0000-\\u001f\\u007f]*$';
const Value = (maxLength: number, description?: string) => Str(maxLength, { pattern: NO_CONTROL, ...(description ? { description } : {}) });

/** A unit, program or pm2 app name: also a file name and a crontab marker. */
const ServiceName = Str(64, {
  minLength: 1,
  pattern: '^(?!.*\\.\\.)[A-Za-z0-9][A-Za-z0-9_.-]*$',
  description: 'letters, digits, ".", "_" and "-", no ".."; default rp-<project name>',
});
const RelDir = Str(1024, {
  minLength: 1,
  pattern: '^(?!/)(?!(?:.*/)?\\.\\.(?:/|$))[A-Za-z0-9._@+=:,/-]+$',
  description: 'relative to current/, no ".." segment',
});
const AbsDir = Str(1024, { minLength: 1, pattern: '^/(?!(?:.*/)?\\.\\.(?:/|$))[A-Za-z0-9._@+=:,/-]*$', description: 'absolute path, no ".." segment' });
const LogFile = Str(128, { minLength: 1, pattern: '^(?!.*\\.\\.)[A-Za-z0-9][A-Za-z0-9._-]*$', description: 'a file name under shared/logs; default <name>.log' });
const ServiceUser = Str(64, { minLength: 1, pattern: '^[A-Za-z_][A-Za-z0-9_.-]*$' });

const minute = '[0-5]?[0-9]';
const hour = '(?:[01]?[0-9]|2[0-3])';
const day = '(?:0?[1-9]|[12][0-9]|3[01])';
const month = '(?:0?[1-9]|1[0-2])';
const weekday = '[0-7]';
const cronField = (n: string) => {
  const item = `(?:\\*|${n}(?:-${n})?)(?:/[1-9][0-9]?)?`;
  return `${item}(?:,${item})*`;
};
/** Five numeric cron fields (minute hour day-of-month month day-of-week) with `*`, ranges, lists and steps. */
export const CRON_SCHEDULE_PATTERN = `^${[minute, hour, day, month, weekday].map(cronField).join(' ')}$`;

export const ServiceConfig = Type.Object(
  {
    manager: Type.Enum(SERVICE_MANAGERS, { description: 'none leaves the service to the project\'s restart command' }),
    name: Type.Optional(ServiceName),
    command: Type.Optional(Value(4096, 'the start command, run by /bin/sh -c in current/<workingDir>; required unless the manager is none')),
    workingDir: Type.Optional(RelDir),
    environment: Type.Optional(
      Type.Record(Type.String({ pattern: '^[A-Z_][A-Z0-9_]{0,127}$' }), Value(4096), {
        maxProperties: 100,
        additionalProperties: false,
        description: 'KEY=value variables of the service',
      }),
    ),
    user: Type.Optional(ServiceUser),
    stopSignal: Type.Optional(Type.Enum(SERVICE_STOP_SIGNALS)),
    stopTimeoutSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 3600 })),
    logFile: Type.Optional(LogFile),
    schedule: Type.Optional(Str(200, { pattern: CRON_SCHEDULE_PATTERN, description: 'cron only: minute hour day month weekday' })),
    systemd: Type.Optional(Type.Object({ unitDir: Type.Optional(AbsDir) }, { additionalProperties: false, description: `unitDir default ${SYSTEMD_UNIT_DIR}` })),
    supervisor: Type.Optional(
      Type.Object(
        { programDir: Type.Optional(AbsDir), configPath: Type.Optional(AbsDir) },
        { additionalProperties: false, description: `programDir default ${SUPERVISOR_PROGRAM_DIR}; configPath (supervisorctl -c) default: supervisorctl's own search, ${SUPERVISOR_CONFIG_PATH} on Debian` },
      ),
    ),
  },
  { additionalProperties: false },
);

export const ServiceFile = Type.Object({ path: Type.String(), content: Type.String() });
export const ServicePreview = Type.Object({
  files: Type.Array(ServiceFile),
  commands: Type.Object({
    install: Type.String(),
    start: Type.String(),
    stop: Type.String(),
    restart: Type.String(),
    status: Type.String(),
    logs: Type.String({ description: 'the last 100 lines' }),
  }),
});

export const SERVICE_ACTIONS = ['start', 'stop', 'restart'] as const;
export type ServiceAction = (typeof SERVICE_ACTIONS)[number];
export const MAX_SERVICE_LOG_LINES = 1000;

export const ServicePreviewQuery = Type.Object({ environmentId: Uuid }, { additionalProperties: false });
export const ServiceHostParams = Type.Object({ id: Uuid, serverId: Uuid }, { additionalProperties: false });
export const ServiceHostActionParams = Type.Object({ id: Uuid, serverId: Uuid, action: Type.Enum(SERVICE_ACTIONS) }, { additionalProperties: false });
export const ServiceEnvironmentActionParams = Type.Object({ id: Uuid, action: Type.Enum(SERVICE_ACTIONS) }, { additionalProperties: false });
const LogLines = Type.Integer({ minimum: 1, maximum: MAX_SERVICE_LOG_LINES, default: 100, description: 'the last lines of the service log' });
export const ServiceLogsQuery = Type.Object({ lines: LogLines }, { additionalProperties: false });
/** The log socket: the last `lines`, then every line the service writes. `ticket` as for the release's live socket. */
export const ServiceLogFollowQuery = Type.Object({ lines: LogLines, ticket: Type.Optional(Str(128)) }, { additionalProperties: false });

/** What one host answered. Failures to connect are results too (ok false, exitCode null), not errors. */
export const ServiceOperationResult = Type.Object({
  ok: Type.Boolean(),
  exitCode: Type.Union([Type.Integer(), Type.Null()], { description: 'null when the command never ran to an exit status' }),
  output: Type.String({ description: 'stdout then stderr, the last 64 KiB, secrets masked; `status` ends with the STATE line' }),
});
export const ServiceEnvironmentResult = Type.Object({
  ok: Type.Boolean({ description: 'every server succeeded' }),
  results: Type.Array(Type.Object({ serverId: Uuid, serverName: Type.String(), ...ServiceOperationResult.properties })),
});

export type ServiceConfig = Static<typeof ServiceConfig>;
export type ServiceFile = Static<typeof ServiceFile>;
export type ServicePreview = Static<typeof ServicePreview>;
export type ServiceOperationResult = Static<typeof ServiceOperationResult>;
export type ServiceEnvironmentResult = Static<typeof ServiceEnvironmentResult>;
