import type { EnvironmentVersions, ReleaseStats, SetupProgress, StatsQuery } from '@rp/contract/stats';
import { http, query } from './http';
import type { ListQuery } from './types';

export type { DayCount, ProjectStats, ReleaseStats } from '@rp/contract/stats';

/** Release counts of the groups you can see over the last `days` days (default 14, at most 90). */
export function getReleaseStats(params: ListQuery<StatsQuery> = {}): Promise<ReleaseStats> {
  return http.get(`/stats/releases${query({ ...params })}`);
}

export type { EnvironmentVersion, EnvironmentVersions, SetupProgress } from '@rp/contract/stats';

/** Counts of groups, credentials, servers, projects, environments and releases you can see. */
export function getSetupProgress(): Promise<SetupProgress> {
  return http.get('/stats/setup');
}

/** What each environment you can see runs now. */
export function getEnvironmentVersions(): Promise<EnvironmentVersions> {
  return http.get('/stats/environment-versions');
}
