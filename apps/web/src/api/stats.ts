import type { ReleaseStats, StatsQuery } from '@rp/contract/stats';
import { http, query } from './http';
import type { ListQuery } from './types';

export type { DayCount, ProjectStats, ReleaseStats } from '@rp/contract/stats';

/** Release counts of the groups you can see over the last `days` days (default 14, at most 90). */
export function getReleaseStats(params: ListQuery<StatsQuery> = {}): Promise<ReleaseStats> {
  return http.get(`/stats/releases${query({ ...params })}`);
}
