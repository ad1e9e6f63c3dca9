import { onBeforeUnmount, onMounted } from 'vue';

/**
 * Runs `task` every `intervalMs` while the component is mounted and the tab is visible: a background tab costs the
 * API nothing, and coming back refreshes at once. The next run is timed from the end of the previous one, so a slow
 * answer never piles up requests.
 */
export function usePolling(task: () => Promise<unknown>, intervalMs: number): void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let mounted = false;
  let busy = false;

  const visible = () => document.visibilityState !== 'hidden';

  function schedule(): void {
    clearTimeout(timer);
    timer = undefined;
    if (mounted && visible()) timer = setTimeout(() => void tick(), intervalMs);
  }

  async function tick(): Promise<void> {
    if (busy) return;
    busy = true;
    try {
      await task();
    } finally {
      busy = false;
      schedule();
    }
  }

  function onVisibility(): void {
    if (visible()) void tick();
    else clearTimeout(timer);
  }

  onMounted(() => {
    mounted = true;
    document.addEventListener('visibilitychange', onVisibility);
    schedule();
  });

  onBeforeUnmount(() => {
    mounted = false;
    clearTimeout(timer);
    document.removeEventListener('visibilitychange', onVisibility);
  });
}
