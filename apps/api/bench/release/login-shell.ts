import type { SshHost } from '@rp/deploy-engine/testing';
import { forkCount } from './machine.js';
import { ssh } from './ssh-client.js';

/**
 * The hosts' `~/.bashrc` by default: what a version manager's init (pyenv, nvm, rvm, conda) costs every SSH command
 * on a real fleet, about 100 forks of small external commands (~0.1 s on an idle core). bash sources it for every
 * non-interactive command sshd starts, so each extra round trip per host pays it again.
 */
export const VERSION_MANAGER_BASHRC = `# Stands in for a version manager's init: about 100 small external commands per shell start.
for _ in $(seq 1 99); do uname -s >/dev/null; done
`;

export interface ShellCost {
  /** Median wall time of one `ssh host true`. */
  seconds: number;
  /** Processes started per command, machine-wide (other work on the machine adds to it). */
  forks: number;
}

/** Times `tries` sequential `ssh host true` commands; the median says what one round trip costs with this shell. */
export async function measureShellCost(host: SshHost, keyPath: string, tries = 7): Promise<ShellCost> {
  const times: number[] = [];
  const forks0 = forkCount();
  for (let i = 0; i < tries; i++) {
    const t0 = performance.now();
    await ssh(host, keyPath, 'true');
    times.push(performance.now() - t0);
  }
  const forks = (forkCount() - forks0) / tries;
  times.sort((a, b) => a - b);
  return { seconds: (times[Math.floor(tries / 2)] ?? 0) / 1000, forks };
}
