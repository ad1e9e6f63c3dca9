import { computed } from 'vue';
import { useAuthStore } from '@/stores/auth';

/**
 * The signed-in user's rights per group, as the API checks them: owners (and administrators) change projects,
 * environments and trigger tokens; developers may start releases; viewers only look.
 */
export function useGroupAccess() {
  const auth = useAuthStore();
  const user = computed(() => auth.user);

  /** Groups the user may create projects in; null means every group (administrators). */
  const ownedGroupIds = computed<string[] | null>(() => {
    const u = user.value;
    if (!u) return [];
    if (u.isAdmin) return null;
    return u.memberships.filter((m) => m.role === 'owner').map((m) => m.groupId);
  });

  return {
    canManage: (groupId: string | undefined) => auth.hasGroupRole(groupId, 'owner'),
    canRelease: (groupId: string | undefined) => auth.hasGroupRole(groupId, 'developer'),
    ownedGroupIds,
    canCreateAny: computed(() => ownedGroupIds.value === null || ownedGroupIds.value.length > 0),
  };
}
