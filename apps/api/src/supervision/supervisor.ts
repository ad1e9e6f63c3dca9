import type { ServiceFile } from '@rp/contract/supervision';
import { quote } from '@rp/deploy-engine';
import { Invalid } from '../shared/errors.js';
import type { ServiceSpec } from './service-spec.js';

/**
 * supervisord reads its files with Python's configparser, which ends a value at a `;` or `#` preceded by
 * whitespace (an inline comment), and then expands `%(name)s` in it, for which `%%` is a literal `%`.
 */
const INLINE_COMMENT = /(\s)([;#])/g;
const percent = (text: string) => text.replaceAll('%', '%%');

/**
 * The command line: supervisord splits it as a POSIX shell would (shlex), so the command travels as one single-quoted
 * word for `/bin/sh -c`. Inside single quotes an empty `''` is nothing, and placed between the whitespace and a `;`
 * or `#` it keeps configparser from seeing a comment there.
 */
export function commandWord(command: string): string {
  return percent(quote(command)).replace(INLINE_COMMENT, "$1''$2");
}

/**
 * Why an environment value cannot go into `environment=`, or null. supervisord reads that line with a non-POSIX
 * shlex (no escapes at all) and strips quote characters off both ends of each value, so a value can be quoted only
 * with a quote character it does not contain, must not start or end with one, and must not hold a comment.
 */
export function environmentRefusal(value: string): string | null {
  if (value.includes('"') && value.includes("'")) return 'supervisor cannot carry a value holding both quote characters';
  if (/^['"]|['"]$/.test(value)) return 'supervisor strips a quote character at either end of a value';
  if (/\s[;#]/.test(value)) return 'supervisor reads a ";" or "#" after whitespace as a comment';
  return null;
}

function environmentLine(environment: [string, string][]): string {
  const pairs = environment.map(([key, value]) => {
    const refusal = environmentRefusal(value);
    if (refusal) throw new Invalid(`body.service.environment.${key}`, refusal);
    const q = value.includes('"') ? "'" : '"';
    return `${key}=${q}${percent(value)}${q}`;
  });
  return `environment=${pairs.join(',')}`;
}

export const programPath = (spec: ServiceSpec) => `${spec.programDir}/${spec.name}.conf`;

/** One `[program:<name>]` section: started with supervisord, restarted when it dies, stopped with its children. */
export function renderSupervisorProgram(spec: ServiceSpec): ServiceFile {
  const lines = [
    `[program:${spec.name}]`,
    `command=/bin/sh -c ${commandWord(spec.command)}`,
    `directory=${percent(spec.workingDir)}`,
    ...(spec.environment.length ? [environmentLine(spec.environment)] : []),
    ...(spec.user ? [`user=${spec.user}`] : []),
    ...(spec.stopSignal ? [`stopsignal=${spec.stopSignal}`] : []),
    ...(spec.stopTimeoutSeconds ? [`stopwaitsecs=${spec.stopTimeoutSeconds}`] : []),
    'autostart=true',
    'autorestart=true',
    `stdout_logfile=${percent(spec.logPath)}`,
    'redirect_stderr=true',
    'stopasgroup=true',
    'killasgroup=true',
    '',
  ];
  return { path: programPath(spec), content: lines.join('\n') };
}
