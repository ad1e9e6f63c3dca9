import { ref, watch, type Ref } from 'vue';
import { useRoute, useRouter } from 'vue-router';

/**
 * A list's filters kept in the URL (`?q=…&group=…`), so a filtered list can be bookmarked, shared and survives a
 * reload: each starts from the query and writes it back when it changes. A value `accept` turns down reads as ''.
 */
export function useQueryFilters<K extends string>(keys: readonly K[], accept: Partial<Record<K, (value: string) => boolean>> = {}) {
  const route = useRoute();
  const router = useRouter();

  const read = (key: K): string => {
    const value = route.query[key];
    return typeof value === 'string' && (accept[key]?.(value) ?? true) ? value : '';
  };
  const filters = Object.fromEntries(keys.map((key) => [key, ref(read(key))])) as Record<K, Ref<string>>;

  watch(Object.values<Ref<string>>(filters), () => {
    const query: Record<string, string> = {};
    for (const key of keys) if (filters[key].value) query[key] = filters[key].value;
    void router.replace({ query });
  });

  return filters;
}
