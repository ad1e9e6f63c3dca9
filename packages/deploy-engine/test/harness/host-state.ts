import { existsSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

export interface HostState {
  /** Release id `current` points at, or null when there is no link. */
  current: string | null;
  /** Whether `current` resolves to an existing directory that is not a `.partial` leftover. */
  currentIsWhole: boolean;
  releases: string[];
  history: Record<string, unknown>[];
  lock: Record<string, unknown> | null;
}

/**
 * Reads a deploy path straight from the filesystem (the harness hosts share it with the test process), so
 * assertions never depend on the engine's own report of what it did.
 */
export function readHost(deployPath: string): HostState {
  let current: string | null;
  try {
    current = readlinkSync(join(deployPath, 'current')).replace(/^releases\//, '');
  } catch {
    current = null;
  }
  const releasesDir = join(deployPath, 'releases');
  const releases = existsSync(releasesDir) ? readdirSync(releasesDir).sort() : [];
  const historyPath = join(deployPath, '.platform', 'history.jsonl');
  const history = existsSync(historyPath)
    ? readFileSync(historyPath, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>)
    : [];
  const lockPath = join(deployPath, '.platform', 'lock');
  const lock = existsSync(lockPath) ? (JSON.parse(readFileSync(lockPath, 'utf8')) as Record<string, unknown>) : null;
  const currentIsWhole = current !== null && !current.endsWith('.partial') && existsSync(join(releasesDir, current, 'server.js'));
  return { current, currentIsWhole, releases, history, lock };
}
