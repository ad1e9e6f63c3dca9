import { ref, shallowRef, type Ref } from 'vue';

/** What a page's dialog is open for: the record to edit or show, or null to create one. */
export function useDialogTarget<T>() {
  const open = ref(false);
  const target = shallowRef(null) as Ref<T | null>;

  function show(record: T | null = null): void {
    target.value = record;
    open.value = true;
  }

  return { open, target, show };
}
