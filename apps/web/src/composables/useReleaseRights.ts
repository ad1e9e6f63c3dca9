import type { ReleaseSummary } from '@/api/releases';
import { useAuthStore } from '@/stores/auth';

/** What the signed-in user may do to a release, mirroring the API's checks so buttons never promise a 403. */
export function useReleaseRights() {
  const auth = useAuthStore();

  const has = auth.hasGroupRole;
  const isOwnRelease = (release: ReleaseSummary) => release.createdBy === auth.user?.username;

  return {
    /** Approve and reject: group owners and administrators. */
    canReview: (release: ReleaseSummary) => has(release.groupId, 'owner'),
    /** The API refuses an approval by the release's creator, administrators included. */
    isOwnRelease,
    canCancel: (release: ReleaseSummary) => has(release.groupId, 'developer'),
    /** Reordering the queue is an owner's call. */
    canMove: (release: ReleaseSummary) => has(release.groupId, 'owner'),
  };
}
