import type { ServiceFile } from '@rp/contract/supervision';
import type { ServiceSpec } from './service-spec.js';

/** `%` starts a specifier everywhere in a unit file; `%%` is a literal one. */
const specifiers = (text: string) => text.replaceAll('%', '%%');

/**
 * A word of ExecStart: systemd unquotes it with C escapes (so `\` and `'` are escaped inside the quotes), then
 * expands `$NAME` and `${NAME}` from the environment, which `$$` prevents: the shell sees the command as written.
 */
export function execWord(text: string): string {
  return `'${specifiers(text).replaceAll('\\', '\\\\').replaceAll("'", "\\'").replaceAll('$', '$$$$')}'`;
}

/** An `Environment=` assignment: one double-quoted word, with C escapes; no variable expansion happens there. */
function environmentLine(key: string, value: string): string {
  return `Environment="${specifiers(`${key}=${value}`).replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

export const unitPath = (spec: ServiceSpec) => `${spec.unitDir}/${spec.name}.service`;

/** A simple service unit that runs the command in the current release and appends its output to the shared log. */
export function renderSystemdUnit(spec: ServiceSpec): ServiceFile {
  const lines = [
    '[Unit]',
    `Description=${spec.project} (${spec.name}), managed by the release platform`,
    'After=network.target',
    '',
    '[Service]',
    'Type=simple',
    `WorkingDirectory=${specifiers(spec.workingDir)}`,
    `ExecStart=/bin/sh -c ${execWord(spec.command)}`,
    ...spec.environment.map(([key, value]) => environmentLine(key, value)),
    ...(spec.user ? [`User=${spec.user}`] : []),
    ...(spec.stopSignal ? [`KillSignal=SIG${spec.stopSignal}`] : []),
    ...(spec.stopTimeoutSeconds ? [`TimeoutStopSec=${spec.stopTimeoutSeconds}`] : []),
    'Restart=on-failure',
    `StandardOutput=append:${specifiers(spec.logPath)}`,
    'StandardError=inherit',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ];
  return { path: unitPath(spec), content: lines.join('\n') };
}
