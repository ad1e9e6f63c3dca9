import { readFileSync } from 'node:fs';
import { machineBusySeconds, sampleCpu } from '../cpu.js';

/** Processes started on the machine since boot (`processes` in /proc/stat). */
export function forkCount(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n').find((l) => l.startsWith('processes '));
  return Number(line?.split(' ')[1] ?? 0);
}

interface Snapshot {
  busy: number;
  forks: number;
  cpu: Record<string, number>;
}

/**
 * Where a measured phase's work went: the whole machine's busy CPU seconds and forks (shared with any other work on
 * the machine), and CPU seconds of named process trees (the product's processes and their children). The hosts'
 * side is not counted as a tree: commands there may leave sshd's tree (setsid, background jobs reparented to init),
 * and their CPU time with them.
 */
export class WorkMeter {
  #before: Snapshot;
  constructor(private readonly groups: () => Record<string, number[]>) {
    this.#before = this.#snapshot();
  }

  #snapshot(): Snapshot {
    return { busy: machineBusySeconds(), forks: forkCount(), cpu: sampleCpu(this.groups()) };
  }

  /** One line describing the work since construction; forks per host of the `hosts` the phase reached. */
  describe(hosts: number): string {
    const now = this.#snapshot();
    const cpu = (name: string) => (now.cpu[name] ?? 0) - (this.#before.cpu[name] ?? 0);
    const parts = [`machine ${(now.busy - this.#before.busy).toFixed(1)} CPU-s`];
    for (const name of Object.keys(now.cpu)) parts.push(`${name} ${cpu(name).toFixed(1)} CPU-s`);
    parts.push(`~${Math.round((now.forks - this.#before.forks) / hosts)} forks/host machine-wide`);
    return parts.join(', ');
  }
}
