import { listReleases, type ReleaseSummary } from '@/api/releases';
import { useReleaseRights } from '@/composables/useReleaseRights';

/** The API's largest page: the inbox is filtered here by the user's rights, so it needs the whole list. */
export const FETCH_LIMIT = 200;

/** Every release waiting for approval that the signed-in user can see, optionally of one project. */
export const listAwaitingApproval = (projectId?: string) =>
  listReleases({ state: 'pending_approval', projectId, pageSize: FETCH_LIMIT });

/**
 * Whether the signed-in user could approve a waiting release: a reviewer of its group who did not create it (the API
 * lets no creator approve their own, administrators included).
 */
export function useMayApprove(): (release: ReleaseSummary) => boolean {
  const rights = useReleaseRights();
  return (release) => rights.canReview(release) && !rights.isOwnRelease(release);
}
