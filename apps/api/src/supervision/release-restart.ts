import type { Target } from '@rp/deploy-engine';
import { serviceCommands } from './commands.js';
import { serviceConfigOf, type ServiceProject } from './service-spec.js';

/** Set on each target when its hosts need different scripts (sudo or not): which branch of the restart it takes. */
export const SERVICE_VARIANT_VARIABLE = 'RP_SERVICE_VARIANT';

const installThenRestart = (install: string, restart: string) => `(\n${install})\nstatus=$?\n[ "$status" -eq 0 ] || exit "$status"\n(\n${restart})\n`;

/**
 * The restart step of a release (and rollback) plan. With a service manager, it installs the generated files and
 * restarts through the manager, instead of the project's restart command (which stays the restart of manager
 * `none`). The engine runs one restart script on every target; hosts that differ (a server with sudo beside one
 * without) each get their own branch, picked by a variable set on the target.
 */
export function serviceRestart(
  project: ServiceProject & { service: unknown },
  targets: Target[],
  sudoTargets: ReadonlySet<string>,
): { restartCommand?: string; targets: Target[] } {
  const config = serviceConfigOf(project.service);
  if (config.manager === 'none') return { ...(project.restartCommand ? { restartCommand: project.restartCommand } : {}), targets };
  const variants = new Map<string, { script: string; index: number }>();
  const variantOf = targets.map((target) => {
    const sudo = sudoTargets.has(target.id);
    const key = JSON.stringify([target.deployPath, sudo]);
    let variant = variants.get(key);
    if (!variant) {
      const commands = serviceCommands(config, { project, deployPath: target.deployPath, sudo });
      variant = { script: installThenRestart(commands.install, commands.restart), index: variants.size };
      variants.set(key, variant);
    }
    return variant;
  });
  const all = [...variants.values()];
  if (all.length <= 1) return { ...(all[0] ? { restartCommand: all[0].script } : {}), targets };
  const branches = all.map((v) => `${v.index})\n${v.script};;`).join('\n');
  return {
    restartCommand: `case "$${SERVICE_VARIANT_VARIABLE}" in\n${branches}\n*) echo 'no service variant for this host' >&2; exit 1 ;;\nesac\n`,
    targets: targets.map((target, i) => ({ ...target, env: { ...target.env, [SERVICE_VARIANT_VARIABLE]: String(variantOf[i]?.index) } })),
  };
}
