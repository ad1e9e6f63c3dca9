import { describe, expect, it } from 'vitest';
import { router } from '@/router';
import type { User } from '@/api/types';
import { adminUser, json, stubFetch } from '@/test/fetch-stub';
import { isolateViewTests, mountSignedIn } from '@/test/mount-view';
import { releaseSummary } from '@/test/releases';
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

  it('counts the releases waiting for the user\'s approval beside 待我审批, again after each page change, and hides 0', async () => {
    const OWNED = '00000000-0000-4000-8000-0000000000f1';
    const carol: User = { id: 'u2', username: 'carol', displayName: 'Carol', email: null, isAdmin: false, memberships: [{ groupId: OWNED, groupName: 'shop', role: 'owner' }] };
    const waiting = (n: number, createdBy: string, groupId = OWNED) =>
      releaseSummary({ id: `00000000-0000-4000-8000-00000000010${n}`, state: 'pending_approval', groupId, createdBy });
    let pending = [waiting(1, 'bob'), waiting(2, 'dave'), waiting(3, 'carol'), waiting(4, 'bob', 'elsewhere')];
    const calls = stubFetch({ 'GET /api/releases': () => json(200, page(pending)) });
    const wrapper = await mountSignedIn(AppSidebar, '/dashboard', { props: { collapsed: false }, user: carol });
    await settle();

    expect(Object.fromEntries(new URL(calls[0]?.url ?? '', 'http://localhost').searchParams)).toEqual({ state: 'pending_approval', pageSize: '200' });
    // Not their own release, nor one of a group they do not own.
    expect(wrapper.get('[data-testid="menu-approvals-count"]').text()).toBe('2');

    pending = [waiting(3, 'carol')];
    await router.push('/releases');
    await settle();
    expect(wrapper.find('[data-testid="menu-approvals-count"]').exists()).toBe(false);
  });
});
