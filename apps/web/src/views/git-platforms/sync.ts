import { onBeforeUnmount, reactive, watch, type Ref } from 'vue';
import { getGitPlatform, syncGitPlatform, type GitPlatform, type SyncMode } from '@/api/git-platforms';
import { i18n } from '@/locales';
import { notifyError, notifySuccess } from '@/utils/feedback';
import { isConflict } from '@/utils/form-errors';

/** How often a running sync's platform is asked again. */
export const SYNC_POLL_MS = 1000;

const t = (key: string, values: Record<string, unknown>) => i18n.global.t(key, values);

/**
 * Project syncs of the listed platforms: starting one, then asking the platform again every SYNC_POLL_MS until its
 * `runningSince` is gone, the row following along. Syncs found running (started elsewhere, or by the schedule) are
 * followed too; only those started here end with a toast. Rows are found by id, so a reload of the list in between
 * loses nothing.
 */
export function usePlatformSyncs(rows: Readonly<Ref<GitPlatform[]>>) {
  /** Platforms whose sync request is on its way. */
  const starting = reactive(new Set<string>());
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  const announce = new Set<string>();
  let active = true;

  const rowOf = (id: string) => rows.value.find((r) => r.id === id);

  function show(platform: GitPlatform): void {
    const row = rowOf(platform.id);
    if (row) Object.assign(row, platform);
  }

  function follow(platform: GitPlatform): void {
    if (!active || timers.has(platform.id) || !platform.sync.runningSince) return;
    timers.set(
      platform.id,
      setTimeout(() => void poll(platform.id), SYNC_POLL_MS),
    );
  }

  async function poll(id: string): Promise<void> {
    try {
      const platform = await getGitPlatform(id);
      timers.delete(id);
      if (!active) return;
      show(platform);
      if (platform.sync.runningSince) follow(platform);
      else if (announce.delete(id)) tell(platform);
    } catch (err) {
      timers.delete(id);
      announce.delete(id);
      if (active) notifyError(err);
    }
  }

  function tell(platform: GitPlatform): void {
    const { ok, projects, message } = platform.sync;
    if (ok) notifySuccess(t('gitPlatforms.sync.okToast', { name: platform.name, count: projects }));
    else notifyError(new Error(t('gitPlatforms.sync.failedToast', { name: platform.name, message: message ?? '' })));
  }

  async function start(row: GitPlatform, mode: SyncMode): Promise<void> {
    starting.add(row.id);
    try {
      const platform = await syncGitPlatform(row.id, mode);
      show(platform);
      announce.add(row.id);
      follow(platform);
    } catch (err) {
      notifyError(err);
      // A sync that runs already (from another tab, or the schedule) is followed like one started here.
      if (isConflict(err)) void poll(row.id);
    } finally {
      starting.delete(row.id);
    }
  }

  watch(rows, (list) => list.forEach(follow));

  onBeforeUnmount(() => {
    active = false;
    timers.forEach(clearTimeout);
    timers.clear();
  });

  return { starting, start };
}
