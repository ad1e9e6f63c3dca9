import type { GroupRole } from '@/api/types';
import type { ReleaseSummary } from '@/api/releases';
import { useAuthStore } from '@/stores/auth';

const RANK: Record<GroupRole, number> = { viewer: 1, developer: 2, owner: 3 };

/** What the signed-in user may do to a release, mirroring the API's checks so buttons never promise a 403. */
export function useReleaseRights() {
  const auth = useAuthStore();

  function has(groupId: string, role: GroupRole): boolean {
    const user = auth.user;
    if (!user) return false;
    if (user.isAdmin) return true;
    const held = user.memberships.find((m) => m.groupId === groupId)?.role;
    return held !== undefined && RANK[held] >= RANK[role];
  }

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
