import { readFileSync, readdirSync } from 'node:fs';

/** Linux reports process times in clock ticks of 1/100 s (USER_HZ, the same on every architecture Node runs on). */
const TICKS_PER_SECOND = 100;

interface ProcStat {
  pid: number;
  ppid: number;
  /** utime + stime + cutime + cstime: its own CPU plus that of children it has already reaped. */
  ticks: number;
}

function readStat(pid: number): ProcStat | null {
  try {
    const raw = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may contain spaces; fields are counted after its closing one.
    const fields = raw.slice(raw.lastIndexOf(')') + 2).split(' ');
    const n = (i: number) => Number(fields[i] ?? 0);
    return { pid, ppid: n(1), ticks: n(11) + n(12) + n(13) + n(14) };
  } catch {
    return null;
  }
}

function allStats(): ProcStat[] {
  const out: ProcStat[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(Number(name));
    if (stat) out.push(stat);
  }
  return out;
}

/**
 * CPU seconds used so far by each named group of processes, each group being root pids plus all their live
 * descendants. A descendant that exits between two samples is not lost: its parent has reaped it by then, so its
 * time has moved into the parent's cutime/cstime.
 */
export function sampleCpu(groups: Record<string, number[]>): Record<string, number> {
  const stats = allStats();
  const children = new Map<number, ProcStat[]>();
  for (const s of stats) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s]);
  const byPid = new Map(stats.map((s) => [s.pid, s]));
  const result: Record<string, number> = {};
  for (const [name, roots] of Object.entries(groups)) {
    let ticks = 0;
    const seen = new Set<number>();
    const stack = [...roots];
    for (let pid = stack.pop(); pid !== undefined; pid = stack.pop()) {
      if (seen.has(pid)) continue;
      seen.add(pid);
      ticks += byPid.get(pid)?.ticks ?? 0;
      for (const c of children.get(pid) ?? []) stack.push(c.pid);
    }
    result[name] = ticks / TICKS_PER_SECOND;
  }
  return result;
}

/** Busy CPU seconds of the whole machine (all cores), to show how much of it other work took during a run. */
export function machineBusySeconds(): number {
  const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  return (fields.slice(0, 8).reduce((a, b) => a + b, 0) - idle) / TICKS_PER_SECOND;
}
