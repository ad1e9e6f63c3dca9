import { readFileSync } from 'node:fs';

/**
 * What a postmaster.pid left in a data directory means: a server to reuse, an orphan to stop, or a stale file.
 */

export interface PostmasterPid {
  pid: number;
  dataDir: string;
  port: number;
}

/** postmaster.pid: line 1 pid, 2 data directory, 3 start time, 4 port (PostgreSQL's documented layout). */
export function parsePostmasterPid(text: string): PostmasterPid | undefined {
  const [pidLine, dataDir, , portLine] = text.split('\n');
  const pid = Number(pidLine);
  const port = Number(portLine);
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port) || port <= 0 || !dataDir) return undefined;
  return { pid, dataDir, port };
}

export type ServerState =
  | { kind: 'none' }
  | { kind: 'stale' }
  | { kind: 'orphan'; pid: number }
  | { kind: 'running'; pid: number; port: number };

export interface ProcessInfo {
  alive(pid: number): boolean;
  /** Command name (Linux /proc/<pid>/comm), or undefined when it cannot be known. */
  comm(pid: number): string | undefined;
  parentPid(pid: number): number | undefined;
}

/**
 * What the postmaster.pid in a data directory means. After a kill -9 it may name a dead process, a recycled pid, or a
 * postmaster that outlived the process that started it (postgres does not die with its parent). `ownerPid` is the
 * process that started it, recorded by startEmbeddedPostgres: a server whose starter is gone is an orphan to replace,
 * one whose starter lives (an api and a worker on the same data dir) is shared.
 */
export function classifyServer(
  pidFile: PostmasterPid | undefined,
  ownerPid: number | undefined,
  proc: ProcessInfo,
): ServerState {
  if (!pidFile) return { kind: 'none' };
  if (!proc.alive(pidFile.pid)) return { kind: 'stale' };
  const comm = proc.comm(pidFile.pid);
  if (comm !== undefined && !comm.startsWith('postgres')) return { kind: 'stale' };
  const ownerAlive = ownerPid !== undefined && proc.alive(ownerPid);
  const parent = proc.parentPid(pidFile.pid);
  // Where the parent is known it must be the owner itself, which also rules out a recycled owner pid.
  const owned = ownerAlive && (parent === undefined || parent === ownerPid);
  return owned ? { kind: 'running', pid: pidFile.pid, port: pidFile.port } : { kind: 'orphan', pid: pidFile.pid };
}

function readFileSyncSafe(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

export const linuxProcesses: ProcessInfo = {
  alive(pid) {
    try {
      process.kill(pid, 0);
      return true;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'EPERM';
    }
  },
  comm(pid) {
    return readFileSyncSafe(`/proc/${pid}/comm`)?.trim();
  },
  parentPid(pid) {
    const stat = readFileSyncSafe(`/proc/${pid}/stat`);
    // Field 4 follows the command name in parentheses, which may itself contain spaces.
    const ppid = stat ? Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) : NaN;
    return Number.isInteger(ppid) ? ppid : undefined;
  },
};

export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!linuxProcesses.alive(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}
