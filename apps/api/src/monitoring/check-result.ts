import { parseServiceStatus } from '../supervision/commands.js';
import type { CheckSpec } from './check-command.js';
import type { Outcome } from './transitions.js';

/** One check of one host: what it found, and why it failed when it did. */
export interface CheckResult {
  outcome: Outcome;
  /** The manager's word on the process (`RUNNING pid 42`, `STOPPED inactive`), `no manager`, or null when unknown. */
  process: string | null;
  /** null: the project has no health check, or it could not run (no release, host unreachable). */
  healthy: boolean | null;
  version: string | null;
  diskFreeBytes: bigint | null;
  detail: string | null;
}

const NO_MANAGER = 'no manager';
const PROCESS_MAX = 500;
const DETAIL_MAX = 2000;
/** What `timeout` exits with when it had to stop the command. */
const TIMED_OUT = '124';

export const failedCheck = (detail: string): CheckResult => ({
  outcome: 'failed',
  process: null,
  healthy: null,
  version: null,
  diskFreeBytes: null,
  detail: detail.slice(0, DETAIL_MAX),
});

/** The last value of each `RP_<KEY> ` line, and every RP_HEALTH_OUT line in order. */
function readLines(stdout: string) {
  const values = new Map<string, string>();
  const healthOut: string[] = [];
  let other: string | null = null;
  for (const line of stdout.split('\n')) {
    const match = /^RP_([A-Z_]+) ?(.*)$/.exec(line);
    if (match?.[1] === 'HEALTH_OUT') {
      if (match[2]?.trim()) healthOut.push(match[2].trim());
    } else if (match) values.set(match[1] ?? '', match[2] ?? '');
    else if (line.trim() && !line.startsWith('STATE ')) other = line.trim();
  }
  return { values, healthOut, other };
}

/**
 * Reads what checkCommand printed. A managed service passes only while its manager says RUNNING: STOPPED, UNKNOWN
 * (the manager could not be asked) and no answer all fail the check, since nothing then vouches for the process.
 */
export function parseCheckOutput(stdout: string, spec: Pick<CheckSpec, 'statusScript' | 'health'>): CheckResult {
  const { values, healthOut, other } = readLines(stdout);
  const current = values.get('CURRENT');
  if (current === undefined) return failedCheck(`the check printed no result${other ? `: ${other}` : ''}`);
  const version = current ? (current.split('/').filter(Boolean).at(-1) ?? null) : null;
  const free = values.get('FREE') ?? '';
  const diskFreeBytes = /^\d+$/.test(free) ? BigInt(free) * 1024n : null;

  const reasons: string[] = [];
  let process: string | null = NO_MANAGER;
  if (spec.statusScript !== null) {
    const status = parseServiceStatus(stdout);
    process = status ? `${status.state}${status.pid !== null ? ` pid ${status.pid}` : status.detail ? ` ${status.detail}` : ''}`.slice(0, PROCESS_MAX) : null;
    if (!status) reasons.push(`the service manager reported no state${other ? `: ${other}` : ''}`);
    else if (status.state !== 'RUNNING') reasons.push(`process ${process}`);
  }

  const rc = values.get('HEALTH');
  const healthy = spec.health && rc !== undefined ? rc === '0' : null;
  if (healthy === false) {
    const why = rc === TIMED_OUT ? `timed out after ${spec.health?.timeoutSeconds} s` : `exit ${rc}`;
    reasons.push(`health check failed (${why})${healthOut.length ? `: ${healthOut.join(' | ')}` : ''}`);
  }

  // A host nothing was released to has no service to be down: it stays unknown, whatever its manager says.
  if (version === null) return { outcome: 'empty', process, healthy, version, diskFreeBytes, detail: 'nothing released here yet' };
  const detail = reasons.length ? reasons.join('; ').slice(0, DETAIL_MAX) : null;
  return { outcome: reasons.length ? 'failed' : 'ok', process, healthy, version, diskFreeBytes, detail };
}
