import type { ServiceFile } from '@rp/contract/supervision';
import { quote } from '@rp/deploy-engine';
import type { ServiceSpec } from './service-spec.js';

export const cronMarkers = (spec: ServiceSpec) => ({ begin: `# BEGIN rp-${spec.name}`, end: `# END rp-${spec.name}` });

/**
 * cron turns an unescaped `%` into a line break (the rest goes to stdin) and `\%` into `%`. A backslash run before
 * the `%` would change which backslash escapes it, so an empty `''` is put between them first: in this line every
 * `%` is inside a single-quoted word, where `''` is nothing to the shell.
 */
export function cronEscape(line: string): string {
  return line.replace(/\\%/g, "\\''%").replaceAll('%', '\\%');
}

/** The crontab lines of the service between its markers; the job appends its output to the shared log. */
export function renderCronBlock(spec: ServiceSpec): ServiceFile {
  const { begin, end } = cronMarkers(spec);
  const env = spec.environment.map(([key, value]) => quote(`${key}=${value}`));
  const job = [`cd ${quote(spec.workingDir)} &&`, ...(env.length ? ['env', ...env] : []), `/bin/sh -c ${quote(spec.command)} >> ${quote(spec.logPath)} 2>&1`].join(' ');
  return { path: spec.user ? `crontab of ${spec.user}` : 'crontab of the login user', content: `${begin}\n${spec.schedule ?? ''} ${cronEscape(job)}\n${end}\n` };
}
