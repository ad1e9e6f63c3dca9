import type { EnvironmentOverview } from '@/api/versions';

type Recorded = NonNullable<EnvironmentOverview['servers'][number]['recorded']>;

/** The hosts of one environment that run one release (or, with `release` null, that were never released to). */
export interface HostGroup {
  release: Omit<Recorded, 'switchedAt'> | null;
  hosts: string[];
  /** The latest switch among these hosts: when this version last reached one of them. */
  switchedAt: string | null;
}

const later = (a: string | null, b: string | null) => (a === null ? b : b === null || a >= b ? a : b);

/**
 * An environment's hosts grouped by what they run, the version that reached a host most recently first and the
 * never-released hosts last: in a mixed environment the odd ones out are the groups after the first.
 */
export function hostGroups(environment: EnvironmentOverview): HostGroup[] {
  const groups = new Map<string | null, HostGroup>();
  for (const server of environment.servers) {
    const key = server.recorded?.releaseId ?? null;
    let group = groups.get(key);
    if (!group) {
      const release = server.recorded ? { releaseId: server.recorded.releaseId, number: server.recorded.number, ref: server.recorded.ref, commit: server.recorded.commit } : null;
      group = { release, hosts: [], switchedAt: null };
      groups.set(key, group);
    }
    group.hosts.push(server.serverName);
    group.switchedAt = later(group.switchedAt, server.recorded?.switchedAt ?? null);
  }
  return [...groups.values()].sort((a, b) => {
    if (!a.release || !b.release) return Number(!a.release) - Number(!b.release);
    return (b.switchedAt ?? '').localeCompare(a.switchedAt ?? '');
  });
}
