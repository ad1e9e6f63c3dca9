import { describe, expect, it, vi } from 'vitest';
import { router } from '@/router';
import { json, stubFetch } from '@/test/fetch-stub';
import { isolateViewTests, mountSignedIn } from '@/test/mount-view';
import { RELEASE_ID, releaseSummary } from '@/test/releases';
import ListView from './index.vue';

const PROJECT = '00000000-0000-4000-8000-0000000000a1';
const RELEASE = RELEASE_ID;

const summary = releaseSummary({
  id: RELEASE,
  state: 'succeeded',
  projectId: PROJECT,
  ref: 'v1.2.0',
  commit: 'abcdef0123456789abcdef0123456789abcdef01',
  description: 'spring sale',
});

const mountList = (path: string) => mountSignedIn(ListView, path);

isolateViewTests();

describe('release list view', () => {
  it('loads the page the URL describes and opens a release on row click', async () => {
    const calls = stubFetch({
      'GET /api/projects': () => json(200, { items: [], total: 0, page: 1, pageSize: 200 }),
      [`GET /api/projects/${PROJECT}/environments`]: () => json(200, { items: [], total: 0, page: 1, pageSize: 200 }),
      'GET /api/releases': () => json(200, { items: [summary], total: 41, page: 2, pageSize: 20 }),
    });
    const wrapper = await mountList(`/releases?project=${PROJECT}&state=succeeded&page=2`);

    const list = calls.find((c) => c.url.startsWith('/api/releases'));
    const params = new URL(list?.url ?? '', 'http://localhost').searchParams;
    expect(Object.fromEntries(params)).toEqual({ projectId: PROJECT, state: 'succeeded', page: '2', pageSize: '20' });
    expect(wrapper.text()).toContain('shop / prod');
    expect(wrapper.text()).toContain('abcdef01');
    expect(wrapper.text()).toContain('成功');

    await wrapper.get('.el-table__row').trigger('click');
    // The release page is a lazy route: its first import is compiled on demand, slowly on a busy machine.
    await vi.waitFor(() => expect(router.currentRoute.value.fullPath).toBe(`/releases/${RELEASE}`), { timeout: 10_000 });
  });

  it('shows each release\'s number, approver and duration, says what a bare rollback or scale-out does, and rolls back from the row', async () => {
    const rollback = releaseSummary({ id: '00000000-0000-4000-8000-0000000000c1', number: 43, kind: 'rollback', state: 'succeeded', ref: 'v1.1.0', commit: 'f9bb8f50'.padEnd(40, '0'), description: '' });
    const done = releaseSummary({ ...summary, number: 42, approvedBy: 'bob', startedAt: '2026-11-23T10:00:00.000Z', finishedAt: '2026-11-23T10:02:05.000Z' });
    const scaleOut = releaseSummary({ id: '00000000-0000-4000-8000-0000000000c2', number: 41, kind: 'scale_out', state: 'succeeded', ref: 'v1.2.0', description: '' });
    stubFetch({
      'GET /api/projects': () => json(200, { items: [], total: 0, page: 1, pageSize: 200 }),
      'GET /api/releases': () => json(200, { items: [rollback, done, scaleOut], total: 3, page: 1, pageSize: 20 }),
      'GET /api/environments/e/versions': () => json(200, { environmentId: 'e', deployPath: '/srv/app', checkedAt: null, servers: [] }),
      'GET /api/environments/e': () => json(200, { id: 'e', requireApproval: false, rollbackNeedsApproval: false }),
    });
    const wrapper = await mountList('/releases');
    const rows = wrapper.findAll('.el-table__body-wrapper .el-table__row');
    expect(rows[0]!.text()).toContain('#43');
    expect(rows[0]!.text()).toContain('回滚到 v1.1.0（f9bb8f50）');
    expect(rows[1]!.text()).toContain('#42');
    expect(rows[1]!.text()).toContain('bob');
    expect(rows[1]!.text()).toContain('2 分 5 秒');
    expect(rows[2]!.text()).toContain('扩容');
    expect(rows[2]!.text()).toContain('扩容：把 v1.2.0（aaaaaaaa）部署到新加入的服务器');
    expect(wrapper.find(`[data-testid="release-rollback-${scaleOut.id}"]`).exists()).toBe(false);
    // A rollback is not rolled back to; the succeeded release is, from its row, through the emergency dialog.
    expect(wrapper.find(`[data-testid="release-rollback-${rollback.id}"]`).exists()).toBe(false);
    await wrapper.get(`[data-testid="release-rollback-${RELEASE}"]`).trigger('click');
    await vi.waitFor(() => expect(document.querySelector('[data-testid="rollback-target"]')?.textContent).toContain('v1.2.0 (abcdef01)'));
    expect(router.currentRoute.value.path).toBe('/releases');
  });

  it('filters by creator and creation days, keeps them in the URL and sends local-day bounds', async () => {
    const calls = stubFetch({
      'GET /api/projects': () => json(200, { items: [], total: 0, page: 1, pageSize: 200 }),
      'GET /api/releases': () => json(200, { items: [], total: 0, page: 1, pageSize: 20 }),
    });
    const wrapper = await mountList('/releases?from=2026-11-01&to=2026-11-03&page=3');

    const sent = () => Object.fromEntries(new URL(calls.filter((c) => c.url.startsWith('/api/releases')).at(-1)?.url ?? '', 'http://localhost').searchParams);
    expect(sent()).toEqual({
      createdFrom: new Date(2026, 10, 1).toISOString(),
      createdTo: new Date(2026, 10, 4).toISOString(),
      page: '3',
      pageSize: '20',
    });
    expect(wrapper.text()).toContain('暂无发布单');

    const creator = wrapper.get('input[data-testid="filter-created-by"]');
    await creator.setValue(' alice ');
    await creator.trigger('change');
    await vi.waitFor(() => expect(router.currentRoute.value.query).toEqual({ by: 'alice', from: '2026-11-01', to: '2026-11-03' }));
    await vi.waitFor(() => expect(sent()).toMatchObject({ createdBy: 'alice', page: '1' }));
  });
});
