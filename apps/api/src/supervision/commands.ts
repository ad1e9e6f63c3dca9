import type { ServiceConfig, ServiceFile } from '@rp/contract/supervision';
import { quote } from '@rp/deploy-engine';
import { cronMarkers, renderCronBlock } from './cron.js';
import { renderPm2Ecosystem } from './pm2.js';
import { serviceSpec, type ServiceProject, type ServiceSpec } from './service-spec.js';
import { renderSupervisorProgram } from './supervisor.js';
import { renderSystemdUnit } from './systemd.js';

/**
 * Shell scripts that install and drive a project's service on one host, run over SSH as the server's login user in
 * any directory. Every value from a user reaches them through `quote` only.
 *
 * `status` prints exactly one line the monitor parses (`parseServiceStatus`), always as the last line of its output:
 *
 *   STATE RUNNING pid <n>      the manager runs the service, main process <n> (systemd, supervisor, pm2)
 *   STATE RUNNING scheduled    cron: the service's block is in the crontab
 *   STATE STOPPED <detail>     the manager answered and the service does not run; <detail> is one word, the
 *                              manager's own state (e.g. inactive, failed, FATAL, EXITED, stopped) or not-installed
 *   STATE UNKNOWN <why>        the manager could not be asked (not installed, not reachable, refused) or there is
 *                              none (`none`); <why> is free text to the end of the line
 *
 * It exits 0 when the manager answered (RUNNING or STOPPED) and with manager `none`, 1 otherwise.
 *
 * Manager `none` has no service to drive: `install` does nothing, `start` and `restart` run the project's restart
 * command in `current/` with DEPLOY_PATH, RELEASE_PATH, RELEASE_ID and PROJECT as a release does (without the
 * environment's variables), `stop` refuses (exit 2: nothing knows how to stop it), `status` answers UNKNOWN.
 */
export interface ServiceCommands {
  /** The generated files (for cron, the crontab block), as they would be installed. */
  files: ServiceFile[];
  install: string;
  start: string;
  stop: string;
  restart: string;
  status: string;
  /** The last `lines` lines of the service's log (1 to 1000); with `follow`, then every line written after them. */
  logs: (lines: number, options?: { follow: boolean }) => string;
}

export interface ServiceHost {
  project: ServiceProject;
  deployPath: string;
  /** The server lets the login user run the service manager (and write its directories) through `sudo -n`. */
  sudo: boolean;
}

export type ServiceState = 'RUNNING' | 'STOPPED' | 'UNKNOWN';
export interface ServiceStatus {
  state: ServiceState;
  pid: number | null;
  /** `scheduled`, the STOPPED word or the UNKNOWN reason; empty for a running pid. */
  detail: string;
}

const STATUS_LINE = /^STATE (RUNNING|STOPPED|UNKNOWN)(?: (.*))?$/;

/** The status line of a `status` script's output (its last one), or null when there is none. */
export function parseServiceStatus(output: string): ServiceStatus | null {
  const line = output
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l.startsWith('STATE '))
    .at(-1);
  const match = line ? STATUS_LINE.exec(line) : null;
  if (!match) return null;
  const state = match[1] as ServiceState;
  const detail = match[2] ?? '';
  const pid = state === 'RUNNING' ? /^pid ([0-9]+)$/.exec(detail) : null;
  return pid ? { state, pid: Number(pid[1]), detail: '' } : { state, pid: null, detail };
}

export const MAX_LOG_LINES = 1000;

const script = (...lines: string[]) => `${lines.join('\n')}\n`;

/** Prints the first line of `$out` as the UNKNOWN reason and fails. */
const UNKNOWN_FROM_OUT = `printf 'STATE UNKNOWN %s\\n' "$(printf '%s\\n' "$out" | head -n 1)"; exit 1`;

/**
 * Writes each file only when its content differs from what the host has (so an unchanged config keeps its inode and
 * mtime), through a temporary copy renamed into place. Sets `changed` when it wrote one.
 */
function writeFiles(files: { file: ServiceFile; privileged: boolean }[], sudo: boolean): string[] {
  const lines = ['changed=', 'tmp=$(mktemp) || exit 1', `trap 'rm -f "$tmp"' EXIT`];
  for (const { file, privileged } of files) {
    const as = privileged && sudo ? 'sudo -n ' : '';
    const dir = file.path.slice(0, file.path.lastIndexOf('/')) || '/';
    const next = `${file.path}.rp-new`;
    lines.push(
      `printf '%s' ${quote(file.content)} > "$tmp" || exit 1`,
      `if ! cmp -s "$tmp" ${quote(file.path)}; then`,
      `  ${as}mkdir -p ${quote(dir)} && ${as}cp "$tmp" ${quote(next)} && ${as}chmod 0644 ${quote(next)} && ${as}mv -f ${quote(next)} ${quote(file.path)} || exit 1`,
      `  changed=1; echo ${quote(`wrote ${file.path}`)}`,
      'fi',
    );
  }
  return lines;
}

const logsScript = (spec: ServiceSpec) => (lines: number, options?: { follow: boolean }) => {
  const n = Math.min(MAX_LOG_LINES, Math.max(1, Math.trunc(lines)));
  // -F rather than -f: it waits for a log that does not exist yet and follows the new file after a rotation, and it
  // says both on stderr, which the follower shows.
  if (options?.follow) return script(`exec tail -n ${n} -F ${quote(spec.logPath)}`);
  return script(`if [ -f ${quote(spec.logPath)} ]; then tail -n ${n} ${quote(spec.logPath)}; else echo ${quote(`no log yet at ${spec.logPath}`)} >&2; exit 1; fi`);
};

const makeLogDir = (spec: ServiceSpec) => `mkdir -p ${quote(spec.logDir)} || exit 1`;

function noneCommands(spec: ServiceSpec, project: ServiceProject): Omit<ServiceCommands, 'files'> {
  const run = project.restartCommand.trim()
    ? script(
        `cd ${quote(spec.current)} || exit 1`,
        `release=$(readlink -f ${quote(spec.current)}) || exit 1`,
        `DEPLOY_PATH=${quote(spec.deployPath)} RELEASE_PATH="$release" RELEASE_ID="$(basename "$release")" PROJECT=${quote(project.id)} exec /bin/sh -c ${quote(project.restartCommand)}`,
      )
    : script(`echo 'manager none and no restart command: nothing to start' >&2`, 'exit 2');
  return {
    install: script(`echo 'manager none: nothing to install'`),
    start: run,
    restart: run,
    stop: script(`echo 'manager none: the platform cannot stop this service; set a service manager' >&2`, 'exit 2'),
    status: script(`echo 'STATE UNKNOWN no service manager'`),
    logs: logsScript(spec),
  };
}

function systemdCommands(spec: ServiceSpec, file: ServiceFile, sudo: boolean): Omit<ServiceCommands, 'files'> {
  const as = sudo ? 'sudo -n ' : '';
  const unit = quote(`${spec.name}.service`);
  const ctl = (verb: string) => script(`${as}systemctl ${verb} ${unit}`);
  return {
    install: script(
      makeLogDir(spec),
      ...writeFiles([{ file, privileged: true }], sudo),
      // A reload a failed install never did is still owed when the file is unchanged.
      `if [ -n "$changed" ] || [ "$(systemctl show -p NeedDaemonReload --value ${unit} 2>/dev/null)" = yes ]; then ${as}systemctl daemon-reload || exit 1; fi`,
      `${as}systemctl enable --quiet ${unit}`,
    ),
    start: ctl('start'),
    stop: ctl('stop'),
    restart: ctl('restart'),
    status: script(
      `out=$(systemctl show -p LoadState -p ActiveState -p MainPID ${unit} 2>&1) || { ${UNKNOWN_FROM_OUT}; }`,
      `load=$(printf '%s\\n' "$out" | sed -n 's/^LoadState=//p')`,
      `active=$(printf '%s\\n' "$out" | sed -n 's/^ActiveState=//p')`,
      `pid=$(printf '%s\\n' "$out" | sed -n 's/^MainPID=//p')`,
      'if [ -z "$active" ]; then ' + UNKNOWN_FROM_OUT + '; fi',
      'case $active in',
      '  active|reloading) echo "STATE RUNNING pid $pid" ;;',
      '  *) if [ "$load" = not-found ]; then echo "STATE STOPPED not-installed"; else echo "STATE STOPPED $active"; fi ;;',
      'esac',
    ),
    logs: logsScript(spec),
  };
}

function supervisorCommands(spec: ServiceSpec, file: ServiceFile, sudo: boolean): Omit<ServiceCommands, 'files'> {
  const ctlCommand = `${sudo ? 'sudo -n ' : ''}supervisorctl${spec.supervisorConfig ? ` -c ${quote(spec.supervisorConfig)}` : ''}`;
  const name = quote(spec.name);
  const ctl = (verb: string) => script(`${ctlCommand} ${verb} ${name}`);
  return {
    install: script(
      makeLogDir(spec),
      ...writeFiles([{ file, privileged: true }], sudo),
      // Always, not only when the file changed: `update` of an unchanged program does nothing, and it adds one an
      // earlier install wrote but could not load.
      `${ctlCommand} reread && ${ctlCommand} update ${name}`,
    ),
    start: ctl('start'),
    stop: ctl('stop'),
    restart: ctl('restart'),
    status: script(
      `out=$(${ctlCommand} status ${name} 2>&1)`,
      `line=$(printf '%s\\n' "$out" | awk -v n=${name} '$1 == n { print $2, $4; exit }')`,
      'case $line in',
      `  'RUNNING '*) echo "STATE RUNNING pid $(printf '%s' "$line" | sed 's/^RUNNING //; s/,$//')" ;;`,
      `  '') if printf '%s' "$out" | grep -q 'no such process'; then echo 'STATE STOPPED not-installed'; else ${UNKNOWN_FROM_OUT}; fi ;;`,
      `  *) echo "STATE STOPPED $(printf '%s' "$line" | cut -d' ' -f1)" ;;`,
      'esac',
    ),
    logs: logsScript(spec),
  };
}

function pm2Commands(spec: ServiceSpec, file: ServiceFile, sudo: boolean): Omit<ServiceCommands, 'files'> {
  // pm2 keeps one daemon per user: another user's service is reached only through sudo.
  const guard = spec.user && !sudo ? [`echo ${quote(`pm2 as ${spec.user} needs sudo on this server`)} >&2`, 'exit 2'] : [];
  const pm2 = spec.user && sudo ? `sudo -n -u ${quote(spec.user)} -H pm2` : 'pm2';
  const ecosystem = quote(file.path);
  const name = quote(spec.name);
  return {
    install: script(...guard, makeLogDir(spec), ...writeFiles([{ file, privileged: false }], sudo)),
    start: script(...guard, `${pm2} start ${ecosystem} && ${pm2} save --force >/dev/null`),
    stop: script(...guard, `${pm2} stop ${name} && ${pm2} save --force >/dev/null`),
    // startOrRestart keeps the app's settings; `--update-env` takes the file's environment again.
    restart: script(...guard, `${pm2} startOrRestart ${ecosystem} --update-env && ${pm2} save --force >/dev/null`),
    status: script(
      ...guard,
      `out=$(${pm2} pid ${name} 2>&1) || { ${UNKNOWN_FROM_OUT}; }`,
      `pid=$(printf '%s\\n' "$out" | tail -n 1)`,
      'case $pid in',
      `  ''|0) echo 'STATE STOPPED stopped' ;;`,
      `  *[!0-9]*) ${UNKNOWN_FROM_OUT} ;;`,
      '  *) echo "STATE RUNNING pid $pid" ;;',
      'esac',
    ),
    logs: logsScript(spec),
  };
}

function cronCommands(spec: ServiceSpec, file: ServiceFile, sudo: boolean): Omit<ServiceCommands, 'files'> {
  // The login user's own crontab needs no sudo; another user's does (crontab -u is for root only).
  const crontab = spec.user ? `${sudo ? 'sudo -n ' : ''}crontab -u ${quote(spec.user)}` : 'crontab';
  const { begin, end } = cronMarkers(spec);
  const read = `cur=$(${crontab} -l 2>/dev/null) || cur=`;
  const withoutBlock = `kept=$(printf '%s\\n' "$cur" | awk -v b=${quote(begin)} -v e=${quote(end)} '$0 == b { skip = 1; next } $0 == e { skip = 0; next } !skip')`;
  // Written only when the text changes, so an unchanged schedule leaves the crontab alone.
  const writeIfChanged = `if [ "$new" != "$cur" ]; then printf '%s\\n' "$new" | ${crontab} - || exit 1; echo 'crontab updated'; fi`;
  const install = script(
    makeLogDir(spec),
    read,
    withoutBlock,
    `block=${quote(file.content.replace(/\n$/, ''))}`,
    'if [ -n "$kept" ]; then new=$(printf \'%s\\n%s\' "$kept" "$block"); else new=$block; fi',
    writeIfChanged,
  );
  return {
    install,
    start: install,
    stop: script(read, withoutBlock, 'new=$kept', writeIfChanged),
    restart: script(`echo 'cron: the next scheduled run starts from the current release'`),
    status: script(
      `if out=$(${crontab} -l 2>&1); then`,
      `  if printf '%s\\n' "$out" | grep -qxF ${quote(begin)}; then echo 'STATE RUNNING scheduled'; else echo 'STATE STOPPED not-installed'; fi`,
      `elif printf '%s' "$out" | grep -q 'no crontab'; then echo 'STATE STOPPED not-installed'`,
      `else ${UNKNOWN_FROM_OUT}`,
      'fi',
    ),
    logs: logsScript(spec),
  };
}

/** The files and scripts of a project's service on one host (see the module comment for the status line). */
export function serviceCommands(config: ServiceConfig, host: ServiceHost): ServiceCommands {
  const spec = serviceSpec(config, host.project, host.deployPath);
  switch (config.manager) {
    case 'none':
      return { files: [], ...noneCommands(spec, host.project) };
    case 'systemd': {
      const file = renderSystemdUnit(spec);
      return { files: [file], ...systemdCommands(spec, file, host.sudo) };
    }
    case 'supervisor': {
      const file = renderSupervisorProgram(spec);
      return { files: [file], ...supervisorCommands(spec, file, host.sudo) };
    }
    case 'pm2': {
      const file = renderPm2Ecosystem(spec);
      return { files: [file], ...pm2Commands(spec, file, host.sudo) };
    }
    case 'cron': {
      const file = renderCronBlock(spec);
      return { files: [file], ...cronCommands(spec, file, host.sudo) };
    }
  }
}
