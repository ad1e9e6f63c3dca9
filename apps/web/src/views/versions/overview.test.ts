import { describe, expect, it, vi } from 'vitest';
import { flushPromises } from '@vue/test-utils';
import { router } from '@/router';
import type { ProjectVersions } from '@/api/versions';
import { json, stubFetch } from '@/test/fetch-stub';
import { setLocale } from '@/locales';
import { isolateViewTests, mountSignedIn } from '@/test/mount-view';
import OverviewView from './overview.vue';

const GROUP = '00000000-0000-4000-8000-0000000000b1';
const PROJECT = '00000000-0000-4000-8000-0000000000a1';
const PROD = '00000000-0000-4000-8000-0000000000e1';
const STAGING = '00000000-0000-4000-8000-0000000000e2';
const V2 = '00000000-0000-4000-8000-000000000102';
const V1 = '00000000-0000-4000-8000-000000000101';
const S = (n: number) => `00000000-0000-4000-8000-00000000020${n}`;

const v2 = { releaseId: V2, number: 12, ref: 'v1.2.0', commit: 'd30924f0123456789abcdef0123456789abcdef0' };
const v1 = { releaseId: V1, number: 11, ref: 'v1.1.0', commit: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678' };

const shop: ProjectVersions = {
  id: PROJECT,
  name: 'shop',
  group: { id: GROUP, name: 'retail' },
  environments: [
    {
      id: PROD,
      name: 'prod',
      current: { id: V2, number: 12, ref: 'v1.2.0', commit: v2.commit, at: '2026-11-23T10:30:00.000Z' },
      mixed: true,
      servers: [
        { serverId: S(4), serverName: 'web-00', host: '10.0.0.4', recorded: null },
        { serverId: S(3), serverName: 'web-01', host: '10.0.0.3', recorded: { ...v1, switchedAt: '2026-11-22T09:00:00.000Z' } },
        { serverId: S(1), serverName: 'web-02', host: '10.0.0.1', recorded: { ...v2, switchedAt: '2026-11-23T10:05:00.000Z' } },
        { serverId: S(2), serverName: 'web-03', host: '10.0.0.2', recorded: { ...v2, switchedAt: '2026-11-23T10:20:00.000Z' } },
      ],
    },
    {
      id: STAGING,
      name: 'staging',
      current: { id: V1, number: 11, ref: 'v1.1.0', commit: v1.commit, at: '2026-11-22T09:00:00.000Z' },
      mixed: false,
      servers: [{ serverId: S(5), serverName: 'stage-01', host: '10.0.1.1', recorded: { ...v1, switchedAt: '2026-11-22T09:00:00.000Z' } }],
    },
  ],
};
const billing: ProjectVersions = { id: '00000000-0000-4000-8000-0000000000a2', name: 'billing', group: { id: GROUP, name: 'retail' }, environments: [] };

const page = (items: unknown[], total = items.length) => json(200, { items, total, page: 1, pageSize: 20 });

function stubOverview(items: ProjectVersions[] = [shop, billing], total = items.length) {
  return stubFetch({
    'GET /api/versions/overview': () => page(items, total),
    'GET /api/groups': () => page([{ id: GROUP, name: 'retail' }]),
  });
}

const envBlock = (wrapper: Awaited<ReturnType<typeof mountSignedIn>>, project: string, env: string) => wrapper.get(`[data-testid="versions-overview-env-${project}-${env}"]`);

isolateViewTests();

describe('all-environments versions overview', () => {
  it('lists each environment\'s hosts grouped by version, newest switch first, and flags a mixed environment', async () => {
    stubOverview();
    const wrapper = await mountSignedIn(OverviewView, '/versions/overview');

    const prod = envBlock(wrapper, 'shop', 'prod');
    // Relative times move with the clock: the line is read without them, their absolute time is checked below.
    const lines = prod.findAll('[data-testid="versions-overview-version"]').map((line) => {
      const switched = line.find('[data-testid="versions-overview-switched"]');
      return (switched.exists() ? line.text().replace(switched.text(), '') : line.text()).replace(/\s+/g, '');
    });
    expect(lines[0]).toMatch(/^#12v1\.2\.0\(d30924f0\)·web-02,web-03$/);
    expect(lines[1]).toMatch(/^#11v1\.1\.0\(a1b2c3d4\)·web-01$/);
    expect(lines[2]).toBe('未发布过·web-00');
    expect(prod.find('[data-testid="versions-overview-mixed"]').text()).toBe('版本不一致');
    expect(envBlock(wrapper, 'shop', 'staging').find('[data-testid="versions-overview-mixed"]').exists()).toBe(false);

    expect(prod.get('[data-testid="versions-overview-release-link"]').attributes('href')).toBe(`/releases/${V2}`);
    const switched = prod.get('[data-testid="versions-overview-switched"]');
    expect(switched.attributes('title')).toBe(new Date('2026-11-23T10:20:00.000Z').toLocaleString('zh-CN', { hour12: false }));
    expect(wrapper.get('[data-testid="versions-overview-no-env"]').text()).toContain('该项目还没有环境');
  });

  it('opens the per-environment matrix with the project and environment chosen', async () => {
    stubOverview();
    const wrapper = await mountSignedIn(OverviewView, '/versions/overview');
    expect(wrapper.get('[data-testid="versions-overview-open-shop-prod"]').attributes('href')).toBe(`/versions?project=${PROJECT}&env=${PROD}`);
  });

  it('sends the search, group and page to the API and keeps the filters in the URL', async () => {
    const calls = stubOverview([shop], 45);
    const wrapper = await mountSignedIn(OverviewView, `/versions/overview?q=sho&group=${GROUP}`);

    const overviewCalls = () => calls.filter((c) => c.url.startsWith('/api/versions/overview')).map((c) => c.url);
    expect(overviewCalls()[0]).toBe(`/api/versions/overview?page=1&pageSize=20&q=sho&groupId=${GROUP}`);

    await wrapper.get('.el-pagination .btn-next').trigger('click');
    await flushPromises();
    expect(overviewCalls().at(-1)).toBe(`/api/versions/overview?page=2&pageSize=20&q=sho&groupId=${GROUP}`);

    const search = wrapper.get('input[data-testid="versions-overview-search"]');
    await search.setValue('bill');
    await search.trigger('keyup', { key: 'Enter' });
    await vi.waitFor(() => expect(router.currentRoute.value.query).toEqual({ q: 'bill', group: GROUP }));
    await flushPromises();
    expect(overviewCalls().at(-1)).toBe(`/api/versions/overview?page=1&pageSize=20&q=bill&groupId=${GROUP}`);
  });

  it('says what to do when there is nothing to show, and that no project matched when filtering', async () => {
    stubOverview([]);
    const empty = await mountSignedIn(OverviewView, '/versions/overview');
    expect(empty.get('[data-testid="versions-overview-table"]').text()).toContain('先创建项目并添加环境和服务器');

    stubOverview([]);
    const filtered = await mountSignedIn(OverviewView, '/versions/overview?q=nothing');
    expect(filtered.get('[data-testid="versions-overview-table"]').text()).toContain('没有符合条件的项目');
  });

  it('speaks English too', async () => {
    setLocale('en');
    stubOverview();
    const wrapper = await mountSignedIn(OverviewView, '/versions/overview');
    expect(envBlock(wrapper, 'shop', 'prod').get('[data-testid="versions-overview-mixed"]').text()).toBe('Mixed versions');
    expect(envBlock(wrapper, 'shop', 'prod').text()).toContain('Never released');
    expect(wrapper.get('[data-testid="versions-tabs"]').text()).toContain('All environments');
  });

  it('switches to the per-environment tab', async () => {
    stubOverview();
    const wrapper = await mountSignedIn(OverviewView, '/versions/overview');
    await wrapper.get('#tab-versions').trigger('click');
    await vi.waitFor(() => expect(router.currentRoute.value.name).toBe('versions'));
  });
});
