import { h } from 'vue';
import { i18n } from '@/locales';

/**
 * Deleting a group cascades to its projects, servers, credentials and release history, so a click on OK is not
 * enough: the user types the group's name, as with other irreversible operations ops teams know.
 */
export async function confirmGroupDelete(name: string): Promise<boolean> {
  const { t } = i18n.global;
  try {
    await ElMessageBox.prompt(
      h('div', [h('p', t('groups.delete.warning', { name })), h('p', t('groups.delete.typeName', { name }))]),
      t('groups.delete.title'),
      {
        type: 'warning',
        confirmButtonText: t('groups.delete.ok'),
        cancelButtonText: t('common.cancel'),
        confirmButtonClass: 'el-button--danger',
        inputPlaceholder: name,
        inputValidator: (value: string) => value === name || t('groups.delete.mismatch'),
      },
    );
    return true;
  } catch {
    return false;
  }
}
