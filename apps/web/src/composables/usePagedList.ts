import { ref, watch, type Ref, type WatchSource } from 'vue';
import type { Page, PageQuery } from '@/api/types';
import { notifyError } from '@/utils/feedback';

export const PAGE_SIZES = [20, 50, 100] as const;

/**
 * One paged table: rows, total, page and size, a loading flag and `reload()`. Changing any of `filters` goes back
 * to page 1, so a search never lands on an empty page 7. Errors become a toast; the previous rows stay visible.
 */
export function usePagedList<T>(fetchPage: (paging: Required<PageQuery>) => Promise<Page<T>>, filters: WatchSource[] = []) {
  const rows = ref([]) as Ref<T[]>;
  const total = ref(0);
  const page = ref(1);
  const pageSize = ref<number>(PAGE_SIZES[0]);
  const loading = ref(false);
  let generation = 0;

  async function reload(): Promise<void> {
    // A slow answer to an older filter must not overwrite the newer one's rows.
    const mine = ++generation;
    loading.value = true;
    try {
      const result = await fetchPage({ page: page.value, pageSize: pageSize.value });
      if (mine !== generation) return;
      rows.value = result.items;
      total.value = result.total;
    } catch (err) {
      if (mine === generation) notifyError(err);
    } finally {
      if (mine === generation) loading.value = false;
    }
  }

  watch([page, pageSize], () => void reload());
  if (filters.length > 0) {
    watch(filters, () => {
      if (page.value === 1) void reload();
      else page.value = 1;
    });
  }

  return { rows, total, page, pageSize, loading, reload };
}
