import { quote } from '@rp/deploy-engine';

/** The project's health check as one monitoring probe: a URL fetched on the host, or a command run in `current`. */
export type HealthProbe = ({ url: string } | { command: string }) & { timeoutSeconds: number };

export interface CheckSpec {
  deployPath: string;
  /** The service manager's status script (prints `STATE RUNNING …`), or null when no manager runs the service. */
  statusScript: string | null;
  health: HealthProbe | null;
  /** The environment's variables, given to the health command and to `{{VAR}}` in its URL, as a release does. */
  env: Record<string, string>;
  /** The project id: a release's scripts see it as $PROJECT. */
  project: string;
}

/** A monitoring check waits this long at most for its one attempt of the health check. */
const HEALTH_TIMEOUT_CAP_SECONDS = 10;

/** The stored `Project.healthCheck` (`{ type: 'http', url } | { type: 'command', command }`) as one short attempt. */
export function healthProbeOf(stored: unknown): HealthProbe | null {
  if (!stored || typeof stored !== 'object') return null;
  const check = stored as { type?: string; url?: string; command?: string; timeoutSeconds?: number };
  const timeoutSeconds = Math.min(HEALTH_TIMEOUT_CAP_SECONDS, Math.max(1, check.timeoutSeconds ?? 5));
  if (check.type === 'http' && check.url) return { url: check.url, timeoutSeconds };
  if (check.type === 'command' && check.command?.trim()) return { command: check.command, timeoutSeconds };
  return null;
}

/** `{{PORT}}` in a health URL comes from the environment's variables, as in a release's health check. */
const expandUrl = (url: string, env: Record<string, string>) => url.replace(/\{\{([A-Za-z_][A-Za-z0-9_]*)\}\}/g, (_, name: string) => env[name] ?? '');

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const assignments = (env: Record<string, string>) =>
  Object.entries(env)
    .filter(([key]) => NAME.test(key))
    .map(([key, value]) => `${key}=${quote(value)}`)
    .join(' ');

const reportHealth = ["printf 'RP_HEALTH %s\\n' \"$rc\"", `[ "$rc" = 0 ] || printf '%s\\n' "$out" | tail -n 3 | sed 's/^/RP_HEALTH_OUT /'`];

/** The health part: one attempt, its exit status, and the last lines it printed when it failed. */
function healthLines(spec: CheckSpec, root: string): string[] {
  const probe = spec.health;
  if (!probe) return [];
  const seconds = String(probe.timeoutSeconds);
  if ('url' in probe) {
    const url = quote(expandUrl(probe.url, spec.env));
    return [
      `out=$( (if command -v curl >/dev/null 2>&1; then curl -fsSg -o /dev/null --max-time ${seconds} ${url}; else wget -q -O /dev/null -T ${seconds} ${url}; fi) 2>&1 </dev/null); rc=$?`,
      ...reportHealth,
    ];
  }
  // Without a release there is no directory to run the command in; the parser reads an empty RP_CURRENT as that.
  const env = assignments({ ...spec.env, DEPLOY_PATH: root, PROJECT: spec.project });
  return [
    `if [ -n "$cur" ]; then`,
    // `timeout` where the host has it; where not, the exec's own timeout is the backstop.
    `if command -v timeout >/dev/null 2>&1; then t="timeout ${seconds}"; else t=; fi`,
    `rid=$(basename "$cur")`,
    `out=$(cd ${quote(`${root}/current`)} 2>&1 && ${env} RELEASE_ID="$rid" RELEASE_PATH=${quote(`${root}/releases/`)}"$rid" $t sh -c ${quote(probe.command)} 2>&1 </dev/null); rc=$?`,
    ...reportHealth,
    'fi',
  ];
}

/**
 * One shell script for one check of one host, so a check costs one exec: the manager's status line, one attempt of
 * the health check, where `current` points and the free kilobytes of the deploy path's file system. Every line
 * it prints for the parser starts with `RP_` or, from the status script, `STATE `.
 */
export function checkCommand(spec: CheckSpec): string {
  const root = spec.deployPath.replace(/\/+$/, '');
  return [
    ...(spec.statusScript === null ? [] : [`sh -c ${quote(spec.statusScript)} 2>&1 </dev/null`]),
    `cur=$(readlink ${quote(`${root}/current`)} 2>/dev/null)`,
    "printf 'RP_CURRENT %s\\n' \"$cur\"",
    `printf 'RP_FREE %s\\n' "$(df -Pk ${quote(root)} 2>/dev/null | awk 'NR==2 {print $4}')"`,
    ...healthLines(spec, root),
    'exit 0',
  ].join('\n');
}
