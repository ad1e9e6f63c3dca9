import { SUPERVISOR_PROGRAM_DIR, SYSTEMD_UNIT_DIR, type ServiceConfig, type ServiceStopSignal } from '@rp/contract/supervision';

/** The project fields a service is rendered from. */
export interface ServiceProject {
  /** What the engine passes as PROJECT to the restart command. */
  id: string;
  name: string;
  restartCommand: string;
}

/** A service config with its defaults filled in and its paths made absolute for one deploy path. */
export interface ServiceSpec {
  name: string;
  /** The project's name, for descriptions. */
  project: string;
  command: string;
  deployPath: string;
  current: string;
  /** `current/<workingDir>`, where the command starts. */
  workingDir: string;
  logDir: string;
  logPath: string;
  environment: [string, string][];
  user?: string;
  stopSignal?: ServiceStopSignal;
  stopTimeoutSeconds?: number;
  schedule?: string;
  unitDir: string;
  programDir: string;
  supervisorConfig?: string;
}

/** The stored `Project.service` column: `{}` (never set) reads as manager none. */
export function serviceConfigOf(stored: unknown): ServiceConfig {
  const config = (stored && typeof stored === 'object' ? stored : {}) as Partial<ServiceConfig>;
  return config.manager ? (config as ServiceConfig) : { ...config, manager: 'none' };
}

export function serviceSpec(config: ServiceConfig, project: ServiceProject, deployPath: string): ServiceSpec {
  const root = deployPath.replace(/\/+$/, '');
  const name = config.name ?? `rp-${project.name}`;
  const current = `${root}/current`;
  const logDir = `${root}/shared/logs`;
  return {
    name,
    project: project.name,
    command: config.command ?? '',
    deployPath: root,
    current,
    workingDir: config.workingDir ? `${current}/${config.workingDir.replace(/\/+$/, '')}` : current,
    logDir,
    logPath: `${logDir}/${config.logFile ?? `${name}.log`}`,
    environment: Object.entries(config.environment ?? {}),
    ...(config.user ? { user: config.user } : {}),
    ...(config.stopSignal ? { stopSignal: config.stopSignal } : {}),
    ...(config.stopTimeoutSeconds ? { stopTimeoutSeconds: config.stopTimeoutSeconds } : {}),
    ...(config.schedule ? { schedule: config.schedule } : {}),
    unitDir: config.systemd?.unitDir ?? SYSTEMD_UNIT_DIR,
    programDir: config.supervisor?.programDir ?? SUPERVISOR_PROGRAM_DIR,
    ...(config.supervisor?.configPath ? { supervisorConfig: config.supervisor.configPath } : {}),
  };
}
