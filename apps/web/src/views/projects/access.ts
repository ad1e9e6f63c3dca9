import { computed } from 'vue';
import type { GroupRole } from '@/api/types';
import { useAuthStore } from '@/stores/auth';

const RANK: Record<GroupRole, number> = { viewer: 1, developer: 2, owner: 3 };

/**
 * The signed-in user's rights per group, as the API checks them: owners (and administrators) change projects,
 * environments and trigger tokens; developers may start releases; viewers only look.
 */
export function useGroupAccess() {
  const auth = useAuthStore();
  const user = computed(() => auth.user);

  function has(groupId: string | undefined, role: GroupRole): boolean {
    const u = user.value;
    if (!u) return false;
    if (u.isAdmin) return true;
    const held = u.memberships.find((m) => m.groupId === groupId)?.role;
    return held !== undefined && RANK[held] >= RANK[role];
  }

  /** Groups the user may create projects in; null means every group (administrators). */
  const ownedGroupIds = computed<string[] | null>(() => {
    const u = user.value;
    if (!u) return [];
    if (u.isAdmin) return null;
    return u.memberships.filter((m) => m.role === 'owner').map((m) => m.groupId);
  });

  return {
    canManage: (groupId: string | undefined) => has(groupId, 'owner'),
    canRelease: (groupId: string | undefined) => has(groupId, 'developer'),
    ownedGroupIds,
    canCreateAny: computed(() => ownedGroupIds.value === null || ownedGroupIds.value.length > 0),
  };
}
