import { readonly, ref, watch, type Ref, type WatchSource } from 'vue';
import type { Page, PageQuery } from '@/api/types';
import { i18n } from '@/locales';
import { confirmWarning, notifyError, notifySuccess } from '@/utils/feedback';
import { alertConflict, isConflict } from '@/utils/form-errors';

export const PAGE_SIZES = [20, 50, 100] as const;

/** What a list page shows and drives (ListPage.vue): the rows of the current page, the total and the pager. */
export interface PagedList<T> {
  rows: Readonly<Ref<T[]>>;
  total: Readonly<Ref<number>>;
  page: Readonly<Ref<number>>;
  pageSize: Readonly<Ref<number>>;
  loading: Readonly<Ref<boolean>>;
  reload: () => Promise<void>;
  setPage: (page: number) => void;
  setPageSize: (pageSize: number) => void;
}

export interface RowRemoval {
  /** The question to confirm (a yes/no box), or a dialog of the page's own that resolves to the answer. */
  confirm: string | (() => Promise<boolean>);
  remove: () => Promise<unknown>;
  /** Shown in a blocking alert, with the API's reason, when the API refuses with 409: the row is still in use. */
  inUse?: { title: string; message: string };
}

/**
 * Rows and total of one page at a time, with a loading flag. Errors become a toast and the previous rows stay
 * visible; a slow answer to an older request never overwrites a newer one's rows.
 */
export function usePageLoader<T>(fetchPage: (paging: Required<PageQuery>) => Promise<Page<T>>, page: Ref<number>, pageSize: Ref<number>) {
  const rows = ref([]) as Ref<T[]>;
  const total = ref(0);
  const loading = ref(false);
  let generation = 0;

  async function reload(): Promise<void> {
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

  return { rows, total, loading, reload };
}

/**
 * One paged table: rows, total, page and size, a loading flag and `reload()`. Changing any of `filters` goes back
 * to page 1, so a search never lands on an empty page 7.
 */
export function usePagedList<T>(fetchPage: (paging: Required<PageQuery>) => Promise<Page<T>>, filters: WatchSource[] = []) {
  const page = ref(1);
  const pageSize = ref<number>(PAGE_SIZES[0]);
  const { rows, total, loading, reload } = usePageLoader(fetchPage, page, pageSize);

  watch([page, pageSize], () => void reload());
  if (filters.length > 0) {
    watch(filters, () => {
      if (page.value === 1) void reload();
      else page.value = 1;
    });
  }

  /**
   * Deletes a row once the user agreed, then shows the list without it: the last row of a page going away steps
   * back a page instead of leaving the user on an empty one. Resolves to whether the row is gone.
   */
  async function removeRow({ confirm, remove, inUse }: RowRemoval): Promise<boolean> {
    if (!(await (typeof confirm === 'string' ? confirmWarning(confirm) : confirm()))) return false;
    try {
      await remove();
      notifySuccess(i18n.global.t('common.deleted'));
      if (rows.value.length === 1 && page.value > 1) page.value -= 1;
      else await reload();
      return true;
    } catch (err) {
      if (inUse && isConflict(err)) await alertConflict(inUse.title, inUse.message, err);
      else notifyError(err);
      return false;
    }
  }

  return {
    rows,
    total,
    page: readonly(page),
    pageSize: readonly(pageSize),
    loading,
    reload,
    removeRow,
    setPage: (value: number) => {
      page.value = value;
    },
    setPageSize: (value: number) => {
      pageSize.value = value;
    },
  };
}
