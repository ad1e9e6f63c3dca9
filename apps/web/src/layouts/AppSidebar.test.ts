import { describe, expect, it } from 'vitest';
import { router } from '@/router';
import { adminUser, json, stubFetch } from '@/test/fetch-stub';
import { isolateViewTests, mountSignedIn } from '@/test/mount-view';
import { page, settle } from '@/test/ui';
import AppSidebar from './AppSidebar.vue';

isolateViewTests();

const nothingWaiting = () => stubFetch({ 'GET /api/releases': () => json(200, page([])) });

describe('sidebar', () => {
  it('lists only the menu pages and lights up Releases on a release\'s own pages', async () => {
    nothingWaiting();
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
    nothingWaiting();
    const wrapper = await mountSignedIn(AppSidebar, '/dashboard', { props: { collapsed: false }, user: { ...adminUser, isAdmin: false } });

    expect(wrapper.find('[data-testid="menu-users"]').exists()).toBe(false);
    expect(wrapper.find('[data-testid="menu-groups"]').exists()).toBe(true);
  });

  it('shows beside 待我审批 how many releases the API says wait for the user, again after each page change, and hides 0', async () => {
    let awaiting = 2;
    const calls = stubFetch({ 'GET /api/releases': () => json(200, { items: [], total: awaiting, page: 1, pageSize: 1 }) });
    const wrapper = await mountSignedIn(AppSidebar, '/dashboard', { props: { collapsed: false } });
    await settle();

    expect(Object.fromEntries(new URL(calls[0]?.url ?? '', 'http://localhost').searchParams)).toEqual({ state: 'pending_approval', awaitingMe: 'true', pageSize: '1' });
    expect(wrapper.get('[data-testid="menu-approvals-count"]').text()).toBe('2');

    awaiting = 0;
    await router.push('/releases');
    await settle();
    expect(wrapper.find('[data-testid="menu-approvals-count"]').exists()).toBe(false);
  });
});
