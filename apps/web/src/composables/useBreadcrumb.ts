import { computed, onScopeDispose, shallowRef, toValue, watchEffect, type MaybeRefOrGetter } from 'vue';
import { useI18n } from 'vue-i18n';
import { useRoute, useRouter } from 'vue-router';

export interface Crumb {
  label: string;
  /** The section's list for a page under it; none for the page shown. */
  to?: string;
}

/** What a page calls itself in the breadcrumb, tied to its path so a page left behind cannot name the next one. */
const pageLabel = shallowRef<{ path: string; label: string } | null>(null);

/**
 * Names the page shown in the header's breadcrumb (a project's name, a release's number) instead of its route's
 * title; nothing (while loading) keeps the route's title.
 */
export function useBreadcrumbLabel(label: MaybeRefOrGetter<string | null | undefined>): void {
  const route = useRoute();
  watchEffect(() => {
    const text = toValue(label);
    pageLabel.value = text ? { path: route.path, label: text } : null;
  });
  onScopeDispose(() => {
    if (pageLabel.value?.path === route.path) pageLabel.value = null;
  });
}

/** The header's trail: the section a page sits under (its route's `menu`) as a link, then the page itself. */
export function useBreadcrumb() {
  const route = useRoute();
  const { t } = useI18n();
  // Read from the router, as the sidebar does, so the shell does not import the routes that lazily import it.
  const shellRoutes = useRouter().options.routes.find((r) => r.path === '/')?.children ?? [];

  return computed<Crumb[]>(() => {
    const own = pageLabel.value?.path === route.path ? pageLabel.value.label : null;
    const current: Crumb = { label: own ?? (route.meta.titleKey ? t(route.meta.titleKey) : '') };
    const parentKey = shellRoutes.find((r) => `/${r.path}` === route.meta.menu)?.meta?.titleKey;
    return parentKey && route.meta.menu ? [{ label: t(parentKey), to: route.meta.menu }, current] : [current];
  });
}
