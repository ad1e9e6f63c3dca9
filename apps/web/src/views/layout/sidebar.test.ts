import { afterEach, describe, expect, it } from 'vitest';
import { enableAutoUnmount, flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { i18n, setLocale } from '@/locales';
import { router } from '@/router';
import { useAuthStore } from '@/stores/auth';
import { adminUser } from '@/test/fetch-stub';
import AppSidebar from './AppSidebar.vue';

enableAutoUnmount(afterEach);

describe('sidebar', () => {
  it('lists only the menu pages and lights up Releases on a release\'s own pages', async () => {
    localStorage.clear();
    setLocale('zh-CN');
    const pinia = createPinia();
    setActivePinia(pinia);
    const auth = useAuthStore();
    auth.token = 'tok-1';
    auth.user = adminUser;
    await router.replace('/release/new');
    const wrapper = mount(AppSidebar, { props: { collapsed: false }, global: { plugins: [pinia, i18n, router] } });
    await flushPromises();

    const entries = wrapper.findAll('[data-testid^="menu-"]').map((w) => w.attributes('data-testid'));
    expect(entries).toEqual([
      'menu-dashboard',
      'menu-releases',
      'menu-approvals',
      'menu-queue',
      'menu-versions',
      'menu-projects',
      'menu-servers',
      'menu-credentials',
      'menu-hook-templates',
      'menu-groups',
      'menu-users',
      'menu-tokens',
      'menu-audit',
    ]);
    expect(wrapper.get('[data-testid="menu-releases"]').classes()).toContain('is-active');
    expect(wrapper.text()).toContain('资源');
  });

  it('hides administrator pages from a member', async () => {
    localStorage.clear();
    setLocale('zh-CN');
    const pinia = createPinia();
    setActivePinia(pinia);
    const auth = useAuthStore();
    auth.token = 'tok-1';
    auth.user = { ...adminUser, isAdmin: false };
    await router.replace('/dashboard');
    const wrapper = mount(AppSidebar, { props: { collapsed: false }, global: { plugins: [pinia, i18n, router] } });
    await flushPromises();

    expect(wrapper.find('[data-testid="menu-users"]').exists()).toBe(false);
    expect(wrapper.find('[data-testid="menu-groups"]').exists()).toBe(true);
  });
});
