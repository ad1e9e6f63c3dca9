import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { i18n, setLocale } from '@/locales';
import { usePreferencesStore } from './preferences';

beforeEach(() => {
  localStorage.clear();
  document.documentElement.classList.remove('dark');
  setLocale('zh-CN');
  setActivePinia(createPinia());
});

describe('preferences store', () => {
  it('dark mode toggles Element Plus dark variables and survives a reload', () => {
    const prefs = usePreferencesStore();
    expect(document.documentElement.classList.contains('dark')).toBe(false);

    prefs.setDark(true);

    expect(localStorage.getItem('rp.theme')).toBe('dark');
    document.documentElement.classList.remove('dark');
    setActivePinia(createPinia());
    expect(usePreferencesStore().dark).toBe(true);
    expect(document.documentElement.classList.contains('dark')).toBe(true);
  });

  it('switching the language updates vue-i18n, the html lang and the saved choice', () => {
    const prefs = usePreferencesStore();

    prefs.locale = 'en';

    expect(i18n.global.t('menu.releases')).toBe('Releases');
    expect(document.documentElement.lang).toBe('en');
    expect(localStorage.getItem('rp.locale')).toBe('en');
  });
});
