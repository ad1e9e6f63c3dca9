import { describe, expect, it, vi } from 'vitest';
import { flushPromises } from '@vue/test-utils';
import type { AuditEntry } from '@/api/audit';
import { router } from '@/router';
import { adminUser, json, stubFetch } from '@/test/fetch-stub';
import { isolateViewTests, mountSignedIn } from '@/test/mount-view';
import AuditView from './index.vue';

const entry = (over: Partial<AuditEntry> = {}): AuditEntry => ({
  id: '42',
  at: '2026-11-23T02:00:00.000Z',
  actorId: '00000000-0000-4000-8000-00000000a11c',
  actorName: 'alice',
  action: 'group.member_add',
  resourceType: 'group',
  resourceId: '00000000-0000-4000-8000-0000000000a1',
  resourceName: 'ops',
  ip: '10.0.0.8',
  userAgent: 'Mozilla/5.0 (X11; Linux x86_64)',
  success: true,
  details: { username: 'bob', role: 'developer' },
  ...over,
});

const page = (items: AuditEntry[], total = items.length) => ({ items, total, page: 1, pageSize: 20 });
const params = (url: string) => Object.fromEntries(new URL(url, 'http://localhost').searchParams);

isolateViewTests();

describe('audit log view', () => {
  it('sends the filters the URL describes and shows actions in the UI language', async () => {
    const calls = stubFetch({ 'GET /api/audit': () => json(200, page([entry()], 41)) });
    const from = '2026-11-20T00:00:00.000Z';
    const to = '2026-11-23T00:00:00.000Z';
    const wrapper = await mountSignedIn(
      AuditView,
      `/audit?actor=alice&action=group.&type=group&result=failure&from=${from}&to=${to}&page=2`,
    );

    expect(params(calls.at(-1)?.url ?? '')).toEqual({
      actor: 'alice',
      action: 'group.',
      resourceType: 'group',
      success: 'false',
      from,
      to,
      page: '2',
      pageSize: '20',
    });
    expect(wrapper.text()).toContain('添加成员');
    expect(wrapper.text()).toContain('group.member_add');
  });

  it('keeps a changed filter in the URL and goes back to the first page', async () => {
    const calls = stubFetch({ 'GET /api/audit': () => json(200, page([entry()])) });
    const wrapper = await mountSignedIn(AuditView, '/audit?page=3');

    await wrapper.get('[data-testid="audit-filter-actor"]').setValue('bob');
    await wrapper.get('[data-testid="audit-filter-actor"]').trigger('change');
    await vi.waitFor(async () => {
      await flushPromises();
      expect(router.currentRoute.value.query).toEqual({ actor: 'bob' });
    });
    expect(params(calls.at(-1)?.url ?? '')).toEqual({ actor: 'bob', page: '1', pageSize: '20' });
  });

  it("names resources and links the ones with a page; the platform's own entries say 系统", async () => {
    const release = '00000000-0000-4000-8000-0000000000b7';
    stubFetch({
      'GET /api/audit': () =>
        json(
          200,
          page([
            entry({
              id: '3',
              action: 'release.enqueue',
              actorId: null,
              actorName: 'system',
              resourceType: 'release',
              resourceId: release,
              resourceName: 'shop / prod #42 (v1.2.0)',
            }),
            entry({ id: '2', resourceName: null }),
            entry({ id: '1' }),
          ]),
        ),
    });
    const wrapper = await mountSignedIn(AuditView, '/audit');
    const rows = wrapper.findAll('.el-table__body-wrapper tbody tr');
    expect(rows[0]!.text()).toContain('系统');
    const link = rows[0]!.get('a');
    expect(link.text()).toBe('shop / prod #42 (v1.2.0)');
    expect(link.attributes('href')).toBe(`/releases/${release}`);
    expect(rows[1]!.text()).toContain('00000000-0000-4000-8000-0000000000a1');
    expect(rows[2]!.text()).toContain('ops');
    expect(rows[2]!.find('a').exists()).toBe(false);
  });

  it('expands a row into its details JSON, IP and user agent', async () => {
    stubFetch({ 'GET /api/audit': () => json(200, page([entry()])) });
    const wrapper = await mountSignedIn(AuditView, '/audit');

    await wrapper.get('.el-table__expand-icon').trigger('click');
    await flushPromises();
    const detail = wrapper.get('[data-testid="audit-detail-42"]');
    expect(detail.text()).toContain('10.0.0.8');
    expect(detail.text()).toContain('Mozilla/5.0 (X11; Linux x86_64)');
    expect(detail.get('pre').text()).toBe(JSON.stringify({ username: 'bob', role: 'developer' }, null, 2));
  });

  it('shows the changes of an update as a table: labelled fields, scripts as changed lines, secrets hidden', async () => {
    const details = {
      name: 'shop',
      fromTemplate: { name: 'notify' },
      changes: {
        buildCommand: { from: 'make', to: 'make dist' },
        'hooks.before-release': { from: 'echo one\necho two', to: 'echo one\necho 2', truncated: true },
        newerField: { from: null, to: [1, 2] },
        token: { from: '***', to: '***', secret: true },
        variables: { keys: { DB_PASSWORD: { from: '***', to: '***', secret: true }, MODE: { from: 'fast', to: null } } },
      },
    };
    stubFetch({ 'GET /api/audit': () => json(200, page([entry({ action: 'project.update', resourceType: 'project', details })])) });
    const wrapper = await mountSignedIn(AuditView, '/audit');

    await wrapper.get('.el-table__expand-icon').trigger('click');
    await flushPromises();
    const cells = (row: { findAll: (s: string) => { text: () => string }[] }) => row.findAll('th, td').map((c) => c.text());
    const rows = wrapper.get('[data-testid="audit-changes"]').findAll('[data-testid="audit-change"]');
    expect(rows.map(cells)).toEqual([
      ['构建命令', 'make', 'make dist'],
      ['钩子：发布前 只保存了前 4 KB', 'echo one- echo two+ echo 2'],
      ['newerField', '（无）', '[1,2]'],
      ['令牌', '已隐藏', '已隐藏'],
      ['环境变量 DB_PASSWORD', '已隐藏', '已隐藏'],
      ['环境变量 MODE', 'fast', '（无）'],
    ]);
    expect(rows[1]!.findAll('.audit-changes__line--removed').map((l) => l.text())).toEqual(['- echo two']);
    expect(rows[1]!.findAll('.audit-changes__line--added').map((l) => l.text())).toEqual(['+ echo 2']);
    expect(wrapper.get('[data-testid="audit-detail-42"]').text()).not.toContain('***');
    expect(wrapper.get('[data-testid="audit-details-json"]').text()).toBe(JSON.stringify({ name: 'shop', fromTemplate: { name: 'notify' } }, null, 2));
  });

  it('says so when an update changed nothing', async () => {
    stubFetch({ 'GET /api/audit': () => json(200, page([entry({ action: 'group.update', details: { name: 'ops', changes: {} } })])) });
    const wrapper = await mountSignedIn(AuditView, '/audit');

    await wrapper.get('.el-table__expand-icon').trigger('click');
    await flushPromises();
    expect(wrapper.get('[data-testid="audit-changes-none"]').text()).toBe('没有字段发生变化');
  });

  it('tells a non-administrator the log is for administrators instead of calling the API', async () => {
    const calls = stubFetch({});
    const wrapper = await mountSignedIn(AuditView, '/audit', { user: { ...adminUser, isAdmin: false } });

    expect(wrapper.text()).toContain('只有管理员可以查看审计日志');
    expect(calls).toHaveLength(0);
  });
});
