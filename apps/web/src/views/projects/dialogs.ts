import { h } from 'vue';
import { hasReleases } from '@/api/archive';
import type { Project } from '@/api/projects';
import { getWebhook, removeWebhook, type WebhookHook } from '@/api/webhooks';
import { i18n } from '@/locales';
import { confirmTypedName, confirmWarning } from '@/utils/feedback';
import ProjectDeleteHook from './components/ProjectDeleteHook.vue';

/**
 * Message boxes of the project pages that need more than yes/no. Element Plus' service functions are
 * auto-imported in TypeScript modules as in `utils/feedback.ts`.
 */
const t = (key: string, values: Record<string, unknown> = {}) => i18n.global.t(key, values);

/** The project's webhook, or null when it has none or the platform cannot say: deleting must not hinge on it. */
async function hookOf(projectId: string): Promise<WebhookHook | null> {
  try {
    return (await getWebhook(projectId)).hook;
  } catch {
    return null;
  }
}

/**
 * Deleting a project without releases takes its environments with it; one with releases is archived instead (hidden
 * and read-only, history kept). Either way the user types its name. A webhook the platform added on GitLab is
 * offered for removal first (the Git platform would go on posting to it otherwise); when that fails the user may
 * still delete. True when the project is to be deleted.
 */
export async function confirmProjectDelete(project: Pick<Project, 'id' | 'name' | 'environmentCount'>): Promise<boolean> {
  const [archives, hook] = await Promise.all([hasReleases('project', project.id), hookOf(project.id)]);
  const message = t(archives ? 'projects.delete.archiveMessage' : 'projects.delete.message', { name: project.name, count: project.environmentCount });
  const removable = hook?.remoteHookId != null;
  let removeHook = removable;
  const confirmed = await confirmTypedName(project.name, {
    title: t(archives ? 'projects.delete.archiveTitle' : 'projects.delete.title'),
    message: hook
      ? h(ProjectDeleteHook, {
          message,
          removable,
          removeLabel: t('projects.delete.removeHook'),
          handNote: t('projects.delete.handHook', { kind: t(`projects.webhooks.kinds.${hook.kind}`), url: hook.url }),
          onChange: (value: boolean) => (removeHook = value),
        })
      : message,
    confirm: t('common.delete'),
    mismatch: t('projects.delete.mismatch'),
  });
  if (!confirmed || !removeHook) return confirmed;
  try {
    await removeWebhook(project.id);
    return true;
  } catch (err) {
    return confirmWarning(t('projects.delete.removeHookFailed', { error: err instanceof Error ? err.message : String(err) }));
  }
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
