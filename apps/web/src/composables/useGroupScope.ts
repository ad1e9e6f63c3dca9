import { computed, ref } from 'vue';
import { listGroups } from '@/api/groups';
import type { ListColumn } from '@/components/list-column';
import { useAuthStore } from '@/stores/auth';
import { notifyError } from '@/utils/feedback';

export interface GroupOption {
  id: string;
  name: string;
}

/** The filter value that stands for "global only" (no group); group ids are UUIDs, so it cannot clash. */
export const GLOBAL = 'global';

/**
 * The group a new resource starts in: the list's group filter when the user may create there, otherwise their only
 * group, so a member of one group never has to pick it.
 */
export function startingGroup(filter: string, groups: readonly GroupOption[], allowGlobal = false): string {
  if ((filter === GLOBAL && allowGlobal) || groups.some((g) => g.id === filter)) return filter;
  return groups.length === 1 && !allowGlobal ? (groups[0]?.id ?? '') : '';
}

/** The list query of a group filter that also offers GLOBAL: one group's resources, or only the global ones. */
export function groupFilterQuery(filter: string): { groupId: string | undefined; global: true | undefined } {
  return { groupId: filter && filter !== GLOBAL ? filter : undefined, global: filter === GLOBAL ? true : undefined };
}

/**
 * What the signed-in user may do with group-scoped resources (credentials, servers, hook templates): the API lets
 * group owners manage their group's ones and administrators everything, including the global ones. The page uses
 * this to hide actions the API would refuse anyway.
 */
export function useGroupScope() {
  const auth = useAuthStore();
  const isAdmin = computed(() => auth.user?.isAdmin === true);
  const memberships = computed(() => auth.user?.memberships ?? []);
  const adminGroups = ref<GroupOption[]>([]);

  /** Administrators may belong to no group at all, so their list comes from the API; members already carry theirs. */
  const groups = computed<GroupOption[]>(() =>
    isAdmin.value ? adminGroups.value : memberships.value.map((m) => ({ id: m.groupId, name: m.groupName })),
  );

  async function loadGroups(): Promise<void> {
    if (!isAdmin.value) return;
    try {
      adminGroups.value = (await listGroups({ pageSize: 200 })).items.map((g) => ({ id: g.id, name: g.name }));
    } catch (err) {
      notifyError(err);
    }
  }

  /** Owners of the group, or administrators; a global resource (null) is for administrators only. */
  const canManage = (groupId: string | null): boolean => isAdmin.value || (groupId !== null && auth.hasGroupRole(groupId, 'owner'));

  /** Groups the user may create resources in. */
  const ownedGroups = computed(() => groups.value.filter((g) => canManage(g.id)));
  const canCreate = computed(() => isAdmin.value || ownedGroups.value.length > 0);

  /** The group's name, or its id while the names are still loading; '' for a global resource. */
  const groupName = (groupId: string | null): string => (groupId === null ? '' : (groups.value.find((g) => g.id === groupId)?.name ?? groupId));

  /** The group's name, or the page's word for a global resource (a function, to follow the locale). */
  const groupLabel = (groupId: string | null, globalLabel: () => string): string => (groupId === null ? globalLabel() : groupName(groupId));

  /** The column of a resource's group: its name, or a tag for a global one (a function, to follow the locale). */
  const groupColumn = <T extends { groupId: string | null }>(
    key: string,
    label: string,
    globalLabel: () => string,
  ): ListColumn<T> => ({
    key,
    label,
    minWidth: 120,
    tag: (row) => (row.groupId === null ? { label: globalLabel(), type: 'info' } : null),
    text: (row) => groupName(row.groupId),
  });

  return { isAdmin, groups, ownedGroups, canCreate, canManage, groupName, groupLabel, groupColumn, loadGroups };
}
