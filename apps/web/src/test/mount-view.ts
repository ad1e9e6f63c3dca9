import { afterEach, beforeEach, vi } from 'vitest';
import { enableAutoUnmount, flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import type { Component } from 'vue';
import { configureHttp } from '@/api/http';
import type { User } from '@/api/types';
import { i18n, setLocale } from '@/locales';
import { router } from '@/router';
import { httpSession } from '@/router/session';
import { useAuthStore } from '@/stores/auth';
import { adminUser } from './fetch-stub';

interface MountOptions {
  /** Who is signed in: an administrator unless said otherwise. */
  user?: User;
  props?: Record<string, unknown>;
}

/** A view as the app shows it: real router, i18n and stores, a user signed in, at `path` (if any). */
export async function mountSignedIn(view: Component, path = '', { user = adminUser, props }: MountOptions = {}) {
  const pinia = createPinia();
  setActivePinia(pinia);
  const auth = useAuthStore();
  auth.token = 'tok-1';
  auth.user = user;
  if (path) await router.replace(path);
  const wrapper = mount(view, { props, global: { plugins: [pinia, i18n, router] }, attachTo: document.body });
  await flushPromises();
  return wrapper;
}

/**
 * Each view test starts in zh-CN with empty storage and the HTTP client wired to the session as main.ts wires it, and
 * leaves no mounted component or stubbed global behind.
 */
export function isolateViewTests(): void {
  beforeEach(() => {
    localStorage.clear();
    setLocale('zh-CN');
    configureHttp(httpSession);
  });
  enableAutoUnmount(afterEach);
  afterEach(() => {
    vi.unstubAllGlobals();
  });
}
