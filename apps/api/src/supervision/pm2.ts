import type { ServiceFile } from '@rp/contract/supervision';
import type { ServiceSpec } from './service-spec.js';

export const ecosystemPath = (spec: ServiceSpec) => `${spec.deployPath}/.platform/service/${spec.name}.pm2.json`;

/**
 * A pm2 ecosystem file with one app. pm2 reads JSON, so escaping is JSON.stringify's; the command runs through
 * `/bin/sh -c` as an argument (interpreter none), never parsed by pm2. pm2 has no stop signal setting: `stopSignal`
 * does not apply, `stopTimeoutSeconds` becomes `kill_timeout`.
 */
export function renderPm2Ecosystem(spec: ServiceSpec): ServiceFile {
  const app = {
    name: spec.name,
    script: '/bin/sh',
    args: ['-c', spec.command],
    interpreter: 'none',
    cwd: spec.workingDir,
    env: Object.fromEntries(spec.environment),
    out_file: spec.logPath,
    error_file: spec.logPath,
    merge_logs: true,
    autorestart: true,
    ...(spec.stopTimeoutSeconds ? { kill_timeout: spec.stopTimeoutSeconds * 1000 } : {}),
  };
  return { path: ecosystemPath(spec), content: `${JSON.stringify({ apps: [app] }, null, 2)}\n` };
}
