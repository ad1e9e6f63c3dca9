import type { Project } from '@/api/projects';
import { i18n } from '@/locales';
import { confirmTypedName } from '@/utils/feedback';

/**
 * Message boxes of the project pages that need more than yes/no. Element Plus' service functions are
 * auto-imported in TypeScript modules as in `utils/feedback.ts`.
 */
const t = (key: string, values: Record<string, unknown> = {}) => i18n.global.t(key, values);

/**
 * Deleting a project without releases takes its environments with it; one with releases is archived instead (hidden
 * and read-only, history kept). Either way the user types its name.
 */
export function confirmProjectDelete(project: Pick<Project, 'name' | 'environmentCount'>, archives: boolean): Promise<boolean> {
  return confirmTypedName(project.name, {
    title: t(archives ? 'projects.delete.archiveTitle' : 'projects.delete.title'),
    message: t(archives ? 'projects.delete.archiveMessage' : 'projects.delete.message', { name: project.name, count: project.environmentCount }),
    confirm: t('common.delete'),
    mismatch: t('projects.delete.mismatch'),
  });
}

/** A one-line name (no leading or trailing spaces, as the API's names), or null when the user backed out. */
export async function askName(label: string, title: string): Promise<string | null> {
  try {
    const { value } = await ElMessageBox.prompt(label, {
      title,
      confirmButtonText: t('common.save'),
      cancelButtonText: t('common.cancel'),
      inputValidator: (v: string) => (v.trim() !== '' && v.trim().length <= 100) || t('projects.hooks.templateNameInvalid'),
    });
    return value.trim();
  } catch {
    return null;
  }
}

/**
 * Two ways forward and a way out: the confirm button picks `first`, the cancel button `second`, closing the box
 * (× or Esc) picks nothing.
 */
export async function chooseBetween<A extends string, B extends string>(
  message: string,
  title: string,
  first: { value: A; label: string },
  second: { value: B; label: string },
): Promise<A | B | null> {
  try {
    await ElMessageBox.confirm(message, {
      title,
      type: 'warning',
      distinguishCancelAndClose: true,
      confirmButtonText: first.label,
      cancelButtonText: second.label,
    });
    return first.value;
  } catch (action) {
    return action === 'cancel' ? second.value : null;
  }
}
