import { describe, expect, it, vi } from 'vitest';
import { flushPromises } from '@vue/test-utils';
import { router } from '@/router';
import type { VersionMatrix } from '@/api/environments';
import { json, stubFetch } from '@/test/fetch-stub';
import { isolateViewTests, mountSignedIn } from '@/test/mount-view';
import { answerMessageBox, byTestId, requests, settle } from '@/test/ui';
import VersionsView from './index.vue';

const PROJECT = '00000000-0000-4000-8000-0000000000a1';
const ENV = '00000000-0000-4000-8000-0000000000e1';
const R1 = '00000000-0000-4000-8000-000000000101';
const R0 = '00000000-0000-4000-8000-000000000100';
const S = (n: number) => `00000000-0000-4000-8000-00000000020${n}`;

const recorded = { releaseId: R1, ref: 'v1.4.0', commit: 'c0ffee0123456789c0ffee0123456789c0ffee01', at: '2026-11-23T10:00:00.000Z' };

const matrix: VersionMatrix = {
  environmentId: ENV,
  deployPath: '/srv/shop',
  checkedAt: null,
  servers: [
    { serverId: S(1), serverName: 'web-1', host: '10.0.0.1', recorded, actual: null, drift: null, error: null },
    { serverId: S(2), serverName: 'web-2', host: '10.0.0.2', recorded, actual: null, drift: null, error: null },
    { serverId: S(3), serverName: 'web-3', host: '10.0.0.3', recorded, actual: null, drift: null, error: null },
    { serverId: S(4), serverName: 'web-4', host: '10.0.0.4', recorded: null, actual: null, drift: null, error: null },
  ],
};

const checked: VersionMatrix = {
  ...matrix,
  checkedAt: '2026-11-23T11:00:00.000Z',
  servers: [
    { ...matrix.servers[0]!, actual: R1, drift: false },
    { ...matrix.servers[1]!, actual: R0, drift: true },
    { ...matrix.servers[2]!, error: 'connect ETIMEDOUT 10.0.0.3:22' },
    { ...matrix.servers[3]!, actual: null, drift: false },
  ],
};

const page = (items: unknown[]) => json(200, { items, total: items.length, page: 1, pageSize: 200 });

function stubMatrix() {
  return stubFetch({
    'GET /api/projects': () => page([{ id: PROJECT, name: 'shop' }]),
    [`GET /api/projects/${PROJECT}/environments`]: () => page([{ id: ENV, name: 'prod' }]),
    [`GET /api/environments/${ENV}/versions`]: (req) => json(200, req.url.includes('check=true') ? checked : matrix),
  });
}

const rowTexts = (wrapper: Awaited<ReturnType<typeof mountSignedIn>>) => wrapper.findAll('.el-table__body-wrapper .el-table__row').map((r) => r.text());

isolateViewTests();

describe('version matrix view', () => {
  it('picks the only environment of the project and shows what the platform recorded per server', async () => {
    const calls = stubMatrix();
    const wrapper = await mountSignedIn(VersionsView, `/versions?project=${PROJECT}`);
    await vi.waitFor(() => expect(router.currentRoute.value.query).toEqual({ project: PROJECT, env: ENV }));
    await flushPromises();

    expect(calls.filter((c) => c.url.includes('/versions'))[0]?.url).toBe(`/api/environments/${ENV}/versions`);
    const rows = rowTexts(wrapper);
    expect(rows[0]).toContain('web-1');
    expect(rows[0]).toContain('v1.4.0');
    expect(rows[0]).toContain('c0ffee01');
    expect(rows[0]).toContain('未检查');
    expect(rows[3]).toContain('未发布过');
    expect(wrapper.get('[data-testid="versions-release-link"]').attributes('href')).toBe(`/releases/${R1}`);
  });

  it('checks the hosts and marks drift and unreachable hosts in red with the reason', async () => {
    const calls = stubMatrix();
    const wrapper = await mountSignedIn(VersionsView, `/versions?project=${PROJECT}&env=${ENV}`);

    await wrapper.get('[data-testid="versions-check"]').trigger('click');
    await flushPromises();

    expect(calls.some((c) => c.url === `/api/environments/${ENV}/versions?check=true`)).toBe(true);
    const rows = wrapper.findAll('.el-table__body-wrapper .el-table__row');
    expect(rows.map((r) => r.classes('versions__row--drift'))).toEqual([false, true, true, false]);
    expect(rows[0]!.find('[data-testid="versions-status-inSync"]').exists()).toBe(true);
    expect(rows[1]!.get('[data-testid="versions-detail"]').text()).toBe(`主机 current 指向 #${R0.slice(0, 8)}，平台记录为 v1.4.0 · c0ffee01`);
    expect(rows[2]!.get('[data-testid="versions-detail"]').text()).toContain('connect ETIMEDOUT 10.0.0.3:22');
    expect(wrapper.get('[data-testid="versions-summary"]').text()).toContain('2 台一致，1 台漂移，1 台无法连接');
  });

  it('rolls one host back to a release that succeeded on it, sending only that server, and links to the new release', async () => {
    const R2 = '00000000-0000-4000-8000-000000000102';
    const ROLLBACK = '00000000-0000-4000-8000-000000000199';
    const target = (serverId: string, state: string) => ({ serverId, serverName: '', host: '', state, stage: null, previous: null, current: null, error: null, startedAt: null, finishedAt: null });
    const release = (id: string, ref: string, targets: ReturnType<typeof target>[], kind = 'release') => ({ id, kind, ref, commit: `${id.slice(-3)}0000000`, state: 'succeeded', createdBy: 'alice', finishedAt: '2026-11-20T10:00:00.000Z', targets });
    const releases = {
      [R1]: release(R1, 'v1.4.0', [target(S(1), 'succeeded')]),
      [R0]: release(R0, 'v1.3.0', [target(S(1), 'succeeded'), target(S(2), 'succeeded')]),
      [R2]: release(R2, 'v1.2.0', [target(S(1), 'failed'), target(S(2), 'succeeded')]),
    };
    const calls = stubFetch({
      'GET /api/projects': () => page([{ id: PROJECT, name: 'shop' }]),
      [`GET /api/projects/${PROJECT}/environments`]: () => page([{ id: ENV, name: 'prod' }]),
      [`GET /api/environments/${ENV}/versions`]: () => json(200, matrix),
      'GET /api/releases': () => page(Object.values(releases).map(({ targets: _targets, ...summary }) => summary)),
      ...Object.fromEntries(Object.values(releases).map((r) => [`GET /api/releases/${r.id}`, () => json(200, r)])),
      [`POST /api/releases/${R0}/rollback`]: () => json(201, { ...releases[R0], id: ROLLBACK, kind: 'rollback' }),
    });
    const wrapper = await mountSignedIn(VersionsView, `/versions?project=${PROJECT}&env=${ENV}`);
    await settle();

    await wrapper.get('[data-testid="versions-rollback-web-1"]').trigger('click');
    await settle();
    expect(calls.find((c) => c.url.startsWith('/api/releases?'))?.url).toContain(`environmentId=${ENV}`);
    const offered = [...document.querySelectorAll('[data-testid^="host-rollback-pick-"]')].map((el) => el.getAttribute('data-testid'));
    expect(offered).toEqual(['host-rollback-pick-v1.4.0', 'host-rollback-pick-v1.3.0']);
    expect(byTestId('host-rollback-pick-v1.4.0').classList).toContain('is-disabled');

    byTestId('host-rollback-pick-v1.3.0').click();
    await settle();
    byTestId('host-rollback-confirm').click();
    await vi.waitFor(() => expect(document.querySelector('.el-message-box')?.textContent).toContain('v1.3.0'));
    await answerMessageBox('ok');

    expect(requests(calls, 'POST').map((c) => [c.url, c.body])).toEqual([[`/api/releases/${R0}/rollback`, { serverIds: [S(1)] }]]);
    expect(byTestId('host-rollback-link').getAttribute('href')).toBe(`/releases/${ROLLBACK}`);
  });

  it("shows each host's own switch time, and keeps release ids and commits on one line", async () => {
    const perHost: VersionMatrix = {
      ...matrix,
      servers: [
        { ...matrix.servers[0]!, recorded: { ...recorded, at: '2026-11-23T10:05:00.000Z' } },
        { ...matrix.servers[1]!, recorded: { ...recorded, at: '2026-11-23T10:20:00.000Z' } },
      ],
    };
    stubFetch({
      'GET /api/projects': () => page([{ id: PROJECT, name: 'shop' }]),
      [`GET /api/projects/${PROJECT}/environments`]: () => page([{ id: ENV, name: 'prod' }]),
      [`GET /api/environments/${ENV}/versions`]: () => json(200, perHost),
    });
    const wrapper = await mountSignedIn(VersionsView, `/versions?project=${PROJECT}&env=${ENV}`);
    await settle();

    const local = (iso: string) => new Date(iso).toLocaleString('zh-CN', { hour12: false });
    const rows = rowTexts(wrapper);
    expect(rows[0]).toContain(local('2026-11-23T10:05:00.000Z'));
    expect(rows[1]).toContain(local('2026-11-23T10:20:00.000Z'));
    expect(wrapper.get('[data-testid="versions-release-link"]').element.closest('td')?.classList).toContain('versions__nowrap');
    expect(wrapper.get('.versions__commit').element.closest('td')?.classList).toContain('versions__nowrap');
  });

  it('opens on the environment the user looked at last time', async () => {
    const calls = stubFetch({
      'GET /api/projects': () => page([{ id: PROJECT, name: 'shop' }, { id: 'p2', name: 'billing' }]),
      [`GET /api/projects/${PROJECT}/environments`]: () => page([{ id: ENV, name: 'prod' }, { id: 'e2', name: 'staging' }]),
      [`GET /api/environments/${ENV}/versions`]: () => json(200, matrix),
    });
    await mountSignedIn(VersionsView, `/versions?project=${PROJECT}&env=${ENV}`);
    await mountSignedIn(VersionsView, '/versions');
    await settle();

    expect(router.currentRoute.value.query).toEqual({ project: PROJECT, env: ENV });
    expect(calls.filter((c) => c.url === `/api/environments/${ENV}/versions`).length).toBeGreaterThan(1);
  });
});
