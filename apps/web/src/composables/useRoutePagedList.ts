import { readonly, ref, watch } from 'vue';
import { useRoute, useRouter, type LocationQuery } from 'vue-router';
import type { Page, PageQuery } from '@/api/types';
import { PAGE_SIZES, usePageLoader, type PagedList } from './usePagedList';

export interface RoutePagedListOptions<T> {
  /** The page's route: leaving it for another page changes the query too, and that is not a new filter. */
  routeName: string;
  /** Sets the page's filters from the URL. */
  read: (query: LocationQuery) => void;
  /** The filters as the URL keeps them; empty ones left out. */
  write: () => Record<string, string>;
  fetchPage: (paging: Required<PageQuery>) => Promise<Page<T>>;
  /** Nothing is read or loaded while this says no (a page the signed-in user may not see). */
  enabled?: () => boolean;
}

const positive = (value: unknown) => {
  const n = Number(typeof value === 'string' ? value : '');
  return Number.isInteger(n) && n > 0 ? n : 0;
};

/**
 * A paged list whose filters, page and page size live in the URL, so a search can be bookmarked and shared and the
 * browser's back button steps through it: a filter or pager change writes the URL, and every URL change is read
 * back and loaded.
 */
export function useRoutePagedList<T>(options: RoutePagedListOptions<T>) {
  const route = useRoute();
  const router = useRouter();
  const page = ref(1);
  const pageSize = ref<number>(PAGE_SIZES[0]);
  const { rows, total, loading, reload } = usePageLoader(options.fetchPage, page, pageSize);

  function writeQuery(): void {
    const query = options.write();
    if (page.value > 1) query.page = String(page.value);
    if (pageSize.value !== PAGE_SIZES[0]) query.pageSize = String(pageSize.value);
    void router.replace({ query });
  }

  watch(
    () => route.query,
    (query) => {
      if (route.name !== options.routeName || options.enabled?.() === false) return;
      options.read(query);
      page.value = positive(query.page) || 1;
      const size = positive(query.pageSize);
      pageSize.value = (PAGE_SIZES as readonly number[]).includes(size) ? size : PAGE_SIZES[0];
      void reload();
    },
    { immediate: true },
  );

  const list: PagedList<T> = {
    rows,
    total,
    page: readonly(page),
    pageSize: readonly(pageSize),
    loading,
    reload,
    setPage(value) {
      page.value = value;
      writeQuery();
    },
    setPageSize(value) {
      pageSize.value = value;
      page.value = 1;
      writeQuery();
    },
  };

  /** A filter changed: back to the first page. */
  function applyFilters(): void {
    page.value = 1;
    writeQuery();
  }

  return { ...list, applyFilters };
}
