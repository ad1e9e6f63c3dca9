import { computed, ref } from 'vue';
import { purge, unarchive, type ArchivableKind } from '@/api/archive';
import { i18n } from '@/locales';
import { useAuthStore } from '@/stores/auth';
import { confirmTypedName, confirmWarning, notifyError, notifySuccess } from '@/utils/feedback';

const t = (key: string, values: Record<string, unknown> = {}) => i18n.global.t(key, values);

/**
 * Archived groups, projects and environments on a page: the "show archived" switch and the administrators' way back
 * (unarchive) or out for good (delete permanently, confirmed by typing the name). `done` runs after either succeeded.
 */
export function useArchive(kind: ArchivableKind, done: () => unknown) {
  const auth = useAuthStore();
  const isAdmin = computed(() => auth.user?.isAdmin === true);
  const showArchived = ref(false);

  async function run(action: () => Promise<void>, success: string): Promise<boolean> {
    try {
      await action();
      notifySuccess(success);
      await done();
      return true;
    } catch (err) {
      notifyError(err);
      return false;
    }
  }

  return {
    isAdmin,
    showArchived,
    /** The list query's `archived` value: archived rows alongside the others while the switch is on. */
    archivedParam: () => (showArchived.value ? ('true' as const) : undefined),
    async restore(row: { id: string; name: string }): Promise<boolean> {
      if (!(await confirmWarning(t('archive.unarchiveConfirm', { name: row.name })))) return false;
      return run(() => unarchive(kind, row.id), t('archive.unarchived'));
    },
    async purge(row: { id: string; name: string }): Promise<boolean> {
      const confirmed = await confirmTypedName(row.name, {
        title: t('archive.purge.title'),
        message: t('archive.purge.message', { name: row.name }),
        confirm: t('archive.purge.ok'),
        mismatch: t('archive.purge.mismatch'),
      });
      return confirmed && run(() => purge(kind, row.id), t('common.deleted'));
    },
  };
}
