import { computed, ref, watch } from 'vue';
import { defineStore } from 'pinia';
import { i18n, setLocale, type AppLocale } from '@/locales';

const THEME_KEY = 'rp.theme';

function initialDark(): boolean {
  const saved = localStorage.getItem(THEME_KEY);
  if (saved === 'dark' || saved === 'light') return saved === 'dark';
  return typeof window.matchMedia === 'function' && window.matchMedia('(prefers-color-scheme: dark)').matches;
}

export const usePreferencesStore = defineStore('preferences', () => {
  const dark = ref(initialDark());

  // Element Plus switches its CSS variables on `html.dark`.
  watch(
    dark,
    (value) => {
      document.documentElement.classList.toggle('dark', value);
    },
    { immediate: true },
  );

  function setDark(value: boolean): void {
    dark.value = value;
    localStorage.setItem(THEME_KEY, value ? 'dark' : 'light');
  }

  const locale = computed<AppLocale>({
    get: () => i18n.global.locale.value,
    set: (value) => setLocale(value),
  });

  return { dark, setDark, locale };
});
