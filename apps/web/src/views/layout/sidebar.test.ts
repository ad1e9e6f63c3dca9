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
    expect(entries).toEqual(['menu-dashboard', 'menu-releases', 'menu-projects', 'menu-servers', 'menu-credentials', 'menu-audit']);
    expect(wrapper.get('[data-testid="menu-releases"]').classes()).toContain('is-active');
  });
});
