import { readFileSync, readdirSync } from 'node:fs';

const MIB = 1024;

/** VmRSS of one process in KiB, or 0 once it has exited (or is a zombie, which has none). */
function rssKib(pid: number): number {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
    return Number(line?.split(/\s+/)[1] ?? 0);
  } catch {
    return 0;
  }
}

function parentsByPid(): Map<number, number[]> {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const raw = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(raw.slice(raw.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch {
      // exited while we looked
    }
  }
  return children;
}

export interface RssSample {
  /** MiB of each named process itself. */
  own: Record<string, number>;
  /** MiB of all their descendants together (git, tar, build sandboxes …). */
  children: number;
  total: number;
}

/** RSS of each named process and of all their descendants, from /proc/<pid>/status. */
export function sampleRss(pids: Record<string, number>): RssSample {
  const tree = parentsByPid();
  const own: Record<string, number> = {};
  let childKib = 0;
  for (const [name, pid] of Object.entries(pids)) {
    own[name] = rssKib(pid) / MIB;
    const stack = [...(tree.get(pid) ?? [])];
    for (let child = stack.pop(); child !== undefined; child = stack.pop()) {
      childKib += rssKib(child);
      stack.push(...(tree.get(child) ?? []));
    }
  }
  const children = childKib / MIB;
  return { own, children, total: Object.values(own).reduce((a, b) => a + b, 0) + children };
}

/** Samples every `intervalMs` until stopped and keeps the peak of each figure (each may peak at its own time). */
export function startRssSampler(pids: Record<string, number>, intervalMs = 200): { stop(): RssSample & { samples: number } } {
  const peak: RssSample = { own: {}, children: 0, total: 0 };
  let samples = 0;
  const take = () => {
    const s = sampleRss(pids);
    samples++;
    for (const [name, mib] of Object.entries(s.own)) peak.own[name] = Math.max(peak.own[name] ?? 0, mib);
    peak.children = Math.max(peak.children, s.children);
    peak.total = Math.max(peak.total, s.total);
  };
  take();
  const timer = setInterval(take, intervalMs);
  return {
    stop: () => {
      clearInterval(timer);
      take();
      return { ...peak, samples };
    },
  };
}

export function describeRss(s: RssSample): string {
  const own = Object.entries(s.own).map(([name, mib]) => `${name} ${mib.toFixed(0)}`);
  return `${own.join(' + ')} MiB, children ${s.children.toFixed(0)} MiB, total ${s.total.toFixed(0)} MiB`;
}
