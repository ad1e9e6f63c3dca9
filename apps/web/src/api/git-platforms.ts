import type {
  CreateGitPlatformBody,
  GitPlatformQuery,
  GitPlatformView,
  RemoteProjectQuery,
  RemoteProjectView,
  SyncGitPlatformBody,
  UpdateGitPlatformBody,
} from '@rp/contract/git-platforms';
import { http, query } from './http';
import type { ListQuery, Page } from './types';

export type { CreateGitPlatformBody, GitPlatformCheck, GitPlatformSync, UpdateGitPlatformBody } from '@rp/contract/git-platforms';
export { GIT_PLATFORM_KINDS, type GitPlatformKind } from '@rp/contract/rules';
/** A GitLab, GitHub or Gitee instance; its token stays in the git_token credential it names. */
export type GitPlatform = GitPlatformView;
/** A project the platform's token can see, as the last sync stored it. */
export type RemoteProject = RemoteProjectView;
export type SyncMode = NonNullable<SyncGitPlatformBody['mode']>;

const one = (id: string) => `/git-platforms/${encodeURIComponent(id)}`;

export function listGitPlatforms(params: ListQuery<GitPlatformQuery> = {}): Promise<Page<GitPlatform>> {
  return http.get(`/git-platforms${query({ ...params })}`);
}

export function getGitPlatform(id: string): Promise<GitPlatform> {
  return http.get(one(id));
}

export function createGitPlatform(body: CreateGitPlatformBody): Promise<GitPlatform> {
  return http.post('/git-platforms', body);
}

/** A new address or token clears the last test result. */
export function updateGitPlatform(id: string, body: UpdateGitPlatformBody): Promise<GitPlatform> {
  return http.patch(one(id), body);
}

/** The token credential stays. */
export function deleteGitPlatform(id: string): Promise<void> {
  return http.delete(one(id));
}

/** Asks the platform who the token belongs to; a refused token comes back as `check.ok: false`, not as an error. */
export function testGitPlatform(id: string): Promise<GitPlatform> {
  return http.post(`${one(id)}/test`);
}

/**
 * Starts a project sync in the background (GitLab only) and answers at once with `sync.runningSince` set; poll
 * `getGitPlatform` for the outcome. 409 while one runs, or for a platform that is not GitLab.
 */
export function syncGitPlatform(id: string, mode: SyncMode): Promise<GitPlatform> {
  return http.post(`${one(id)}/sync`, { mode } satisfies SyncGitPlatformBody);
}

/** The platform's projects as the last sync stored them; `q` matches the namespace or the name. */
export function listRemoteProjects(id: string, params: ListQuery<RemoteProjectQuery> = {}): Promise<Page<RemoteProject>> {
  return http.get(`${one(id)}/projects${query({ ...params })}`);
}
