import type { ServiceConfig, ServiceManager, ServiceStopSignal } from '@/api/services';

/** The API's stop signals (the contract's list is a schema module, which the SPA may not import at run time). */
export const STOP_SIGNALS: readonly ServiceStopSignal[] = ['TERM', 'INT', 'QUIT', 'HUP', 'KILL', 'USR1', 'USR2'];
/** The contract's defaults, shown as placeholders: an empty field means "the default". */
export const SERVICE_DEFAULTS = {
  unitDir: '/etc/systemd/system',
  programDir: '/etc/supervisor/conf.d',
  configPath: '/etc/supervisor/supervisord.conf',
} as const;
export const SERVICE_LIMITS = { command: 4096, value: 4096, variables: 100, stopTimeout: { min: 1, max: 3600 } } as const;

export const SERVICE_NAME = /^(?!.*\.\.)[A-Za-z0-9][A-Za-z0-9_.-]*$/;
export const SERVICE_REL_DIR = /^(?!\/)(?!(?:.*\/)?\.\.(?:\/|$))[A-Za-z0-9._@+=:,/-]+$/;
export const SERVICE_ABS_DIR = /^\/(?!(?:.*\/)?\.\.(?:\/|$))[A-Za-z0-9._@+=:,/-]*$/;
export const SERVICE_LOG_FILE = /^(?!.*\.\.)[A-Za-z0-9][A-Za-z0-9._-]*$/;
export const SERVICE_USER = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
export const SERVICE_ENV_KEY = /^[A-Z_][A-Z0-9_]{0,127}$/;
// eslint-disable-next-line no-control-regex -- control characters are exactly what the API refuses in values
export const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

const cronField = (n: string) => {
  const item = `(?:\\*|${n}(?:-${n})?)(?:/[1-9][0-9]?)?`;
  return `${item}(?:,${item})*`;
};
/** The contract's five numeric cron fields (minute hour day-of-month month day-of-week). */
export const CRON_SCHEDULE = new RegExp(
  `^${['[0-5]?[0-9]', '(?:[01]?[0-9]|2[0-3])', '(?:0?[1-9]|[12][0-9]|3[01])', '(?:0?[1-9]|1[0-2])', '[0-7]'].map(cronField).join(' ')}$`,
);

export interface EnvironmentRow {
  key: string;
  value: string;
}

export interface ServiceForm {
  manager: ServiceManager;
  name: string;
  command: string;
  workingDir: string;
  environment: EnvironmentRow[];
  user: string;
  stopSignal: ServiceStopSignal | '';
  /** null for the manager's own default. */
  stopTimeoutSeconds: number | null;
  logFile: string;
  schedule: string;
  unitDir: string;
  programDir: string;
  configPath: string;
}

export type ServiceField = Exclude<keyof ServiceForm, 'manager'>;

/** The fields each manager's files and commands are rendered from (the API ignores the others). */
export const SERVICE_FIELDS: Record<ServiceManager, readonly ServiceField[]> = {
  none: [],
  systemd: ['name', 'command', 'workingDir', 'environment', 'user', 'stopSignal', 'stopTimeoutSeconds', 'logFile', 'unitDir'],
  supervisor: ['name', 'command', 'workingDir', 'environment', 'user', 'stopSignal', 'stopTimeoutSeconds', 'logFile', 'programDir', 'configPath'],
  pm2: ['name', 'command', 'workingDir', 'environment', 'user', 'stopTimeoutSeconds', 'logFile'],
  cron: ['name', 'command', 'workingDir', 'environment', 'user', 'logFile', 'schedule'],
};

export const usesField = (manager: ServiceManager, field: ServiceField) => SERVICE_FIELDS[manager].includes(field);

export function serviceForm(config: ServiceConfig | undefined): ServiceForm {
  return {
    manager: config?.manager ?? 'none',
    name: config?.name ?? '',
    command: config?.command ?? '',
    workingDir: config?.workingDir ?? '',
    environment: Object.entries(config?.environment ?? {}).map(([key, value]) => ({ key, value })),
    user: config?.user ?? '',
    stopSignal: config?.stopSignal ?? '',
    stopTimeoutSeconds: config?.stopTimeoutSeconds ?? null,
    logFile: config?.logFile ?? '',
    schedule: config?.schedule ?? '',
    unitDir: config?.systemd?.unitDir ?? '',
    programDir: config?.supervisor?.programDir ?? '',
    configPath: config?.supervisor?.configPath ?? '',
  };
}

export const copyServiceForm = (form: ServiceForm): ServiceForm => ({ ...form, environment: form.environment.map((r) => ({ ...r })) });

/**
 * The config as the API takes it: only the fields the chosen manager uses, and no empty ones (an empty field means
 * the default). `none` sends nothing else, as the restart command runs the service then.
 */
export function serviceInput(form: ServiceForm): ServiceConfig {
  const uses = (field: ServiceField) => usesField(form.manager, field);
  const text = (field: 'name' | 'workingDir' | 'user' | 'logFile' | 'schedule' | 'unitDir' | 'programDir' | 'configPath') => {
    const value = form[field].trim();
    return uses(field) && value ? value : undefined;
  };
  const variables = form.environment.filter((r) => r.key.trim() !== '');
  const config: ServiceConfig = {
    manager: form.manager,
    name: text('name'),
    command: uses('command') && form.command.trim() ? form.command.trim() : undefined,
    workingDir: text('workingDir')?.replace(/\/+$/, ''),
    environment: uses('environment') && variables.length ? Object.fromEntries(variables.map((r) => [r.key.trim(), r.value])) : undefined,
    user: text('user'),
    stopSignal: uses('stopSignal') && form.stopSignal ? form.stopSignal : undefined,
    stopTimeoutSeconds: uses('stopTimeoutSeconds') && form.stopTimeoutSeconds !== null ? form.stopTimeoutSeconds : undefined,
    logFile: text('logFile'),
    schedule: text('schedule'),
    systemd: text('unitDir') ? { unitDir: text('unitDir') } : undefined,
    supervisor:
      text('programDir') || text('configPath')
        ? Object.fromEntries(Object.entries({ programDir: text('programDir'), configPath: text('configPath') }).filter(([, v]) => v !== undefined))
        : undefined,
  };
  return Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined)) as ServiceConfig;
}

/** The API's per-value refusals of the environment list, as a message key and its values, or null. */
export function environmentProblem(rows: readonly EnvironmentRow[]): { key: string; values: Record<string, unknown> } | null {
  const filled = rows.filter((r) => r.key.trim() !== '' || r.value !== '');
  if (filled.length > SERVICE_LIMITS.variables) return { key: 'tooMany', values: { max: SERVICE_LIMITS.variables } };
  const seen = new Set<string>();
  for (const row of filled) {
    const key = row.key.trim();
    if (!SERVICE_ENV_KEY.test(key)) return { key: 'badKey', values: { key } };
    if (seen.has(key)) return { key: 'duplicateKey', values: { key } };
    seen.add(key);
    if (row.value.length > SERVICE_LIMITS.value || CONTROL_CHARS.test(row.value)) return { key: 'badValue', values: { key } };
  }
  return null;
}
