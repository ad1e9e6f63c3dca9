import type { VersionsOverviewPage, VersionsOverviewQuery } from '@rp/contract/versions-overview';
import { http, query } from './http';
import type { ListQuery } from './types';

export type { EnvironmentOverview, HostVersion, ProjectVersions, VersionsOverviewPage } from '@rp/contract/versions-overview';

/** Per project you can see, what each environment and each of its hosts runs as the platform recorded it (no SSH). */
export function getVersionsOverview(params: ListQuery<VersionsOverviewQuery> = {}): Promise<VersionsOverviewPage> {
  return http.get(`/versions/overview${query({ ...params })}`);
}
