import { afterEach, beforeEach, vi } from 'vitest';
import { enableAutoUnmount, flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import type { Component } from 'vue';
import { i18n, setLocale } from '@/locales';
import { router } from '@/router';
import { useAuthStore } from '@/stores/auth';
import { adminUser } from './fetch-stub';

/** A view as the app shows it: real router, i18n and stores, an administrator signed in, at `path`. */
export async function mountSignedIn(view: Component, path: string) {
  const pinia = createPinia();
  setActivePinia(pinia);
  const auth = useAuthStore();
  auth.token = 'tok-1';
  auth.user = adminUser;
  await router.replace(path);
  const wrapper = mount(view, { global: { plugins: [pinia, i18n, router] }, attachTo: document.body });
  await flushPromises();
  return wrapper;
}

/** Each view test starts in zh-CN with empty storage and leaves no mounted component or stubbed global behind. */
export function isolateViewTests(): void {
  beforeEach(() => {
    localStorage.clear();
    setLocale('zh-CN');
  });
  enableAutoUnmount(afterEach);
  afterEach(() => {
    vi.unstubAllGlobals();
  });
}
