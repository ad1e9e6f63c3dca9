import { describe, expect, it } from 'vitest';
import { adminUser } from '@/test/fetch-stub';
import { isolateViewTests, mountSignedIn } from '@/test/mount-view';
import AppSidebar from './AppSidebar.vue';

isolateViewTests();

describe('sidebar', () => {
  it('lists only the menu pages and lights up Releases on a release\'s own pages', async () => {
    const wrapper = await mountSignedIn(AppSidebar, '/release/new', { props: { collapsed: false } });

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
      'menu-git-platforms',
      'menu-git-host-keys',
      'menu-notification-channels',
      'menu-alert-rules',
      'menu-notification-deliveries',
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
    const wrapper = await mountSignedIn(AppSidebar, '/dashboard', { props: { collapsed: false }, user: { ...adminUser, isAdmin: false } });

    expect(wrapper.find('[data-testid="menu-users"]').exists()).toBe(false);
    expect(wrapper.find('[data-testid="menu-groups"]').exists()).toBe(true);
  });
});
