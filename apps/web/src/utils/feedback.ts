import type { VNode } from 'vue';
import { i18n } from '@/locales';

/**
 * Toasts and confirmation dialogs for views. Element Plus' service functions are auto-imported here, in a
 * TypeScript module, so templates and their styles stay on-demand.
 */
export function notifySuccess(message: string): void {
  ElMessage.success(message);
}

export function notifyError(err: unknown): void {
  ElMessage.error(err instanceof Error ? err.message : String(err));
}

const dialogButtons = () => ({
  title: i18n.global.t('common.confirmTitle'),
  confirmButtonText: i18n.global.t('common.confirm'),
  cancelButtonText: i18n.global.t('common.cancel'),
});

/**
 * True when the user confirmed; closing or cancelling the dialog is a plain no. With `buttons` the two buttons say
 * what each does (a red confirm button): "Cancel" beside "cancel the release" would be a riddle.
 */
export async function confirmWarning(message: string, buttons?: { confirm: string; keep: string }): Promise<boolean> {
  const labels = buttons
    ? { confirmButtonText: buttons.confirm, cancelButtonText: buttons.keep, confirmButtonClass: 'el-button--danger' }
    : {};
  try {
    await ElMessageBox.confirm(message, { ...dialogButtons(), ...labels, type: 'warning' });
    return true;
  } catch {
    return false;
  }
}

/** The text the user entered (possibly empty), or null when they backed out. */
export async function promptText(label: string): Promise<string | null> {
  try {
    const { value } = await ElMessageBox.prompt(label, { ...dialogButtons(), inputType: 'textarea', inputValue: '' });
    return value ?? '';
  } catch {
    return null;
  }
}

/**
 * True only when the user typed `name` exactly: a click on OK is not enough for a deletion that takes much more with
 * it (a group's projects and servers, a project's environments and history), as with other irreversible operations.
 */
export async function confirmTypedName(
  name: string,
  text: { title: string; message: string | VNode; confirm: string; mismatch: string },
): Promise<boolean> {
  try {
    await ElMessageBox.prompt(text.message, text.title, {
      type: 'warning',
      confirmButtonText: text.confirm,
      cancelButtonText: i18n.global.t('common.cancel'),
      confirmButtonClass: 'el-button--danger',
      inputPlaceholder: name,
      inputValidator: (value: string) => value === name || text.mismatch,
    });
    return true;
  } catch {
    return false;
  }
}
