import { describe, expect, it, vi } from 'vitest';
import { flushPromises } from '@vue/test-utils';
import { router } from '@/router';
import { json, stubFetch, type RecordedRequest } from '@/test/fetch-stub';
import { useAuthStore } from '@/stores/auth';
import { isolateViewTests, mountSignedIn } from '@/test/mount-view';
import { settle } from '@/test/ui';
import NewView from './new.vue';

const PROJECT = '00000000-0000-4000-8000-0000000000a1';
const ENV = '00000000-0000-4000-8000-0000000000e1';
const CREATED = '00000000-0000-4000-8000-000000000009';
const GROUP = '00000000-0000-4000-8000-0000000000c1';
const WEB1 = '00000000-0000-4000-8000-0000000000b1';
const WEB2 = '00000000-0000-4000-8000-0000000000b2';
const SHA = 'c0ffee0123456789abcdef0123456789abcdef01';

const page = <T>(items: T[]) => ({ items, total: items.length, page: 1, pageSize: 200 });

const environment = {
  id: ENV,
  projectId: PROJECT,
  name: 'prod',
  deployPath: '/srv/shop',
  servers: [
    { id: WEB1, name: 'web-1', host: '10.0.0.1' },
    { id: WEB2, name: 'web-2', host: '10.0.0.2' },
  ],
  variables: [],
  rollout: { strategy: 'parallel', concurrency: 4, batches: [], betweenBatches: { mode: 'manual' }, failure: { tolerate: 0 }, autoRollback: true },
  requireApproval: true,
  rollbackNeedsApproval: false,
  releaseWindows: [],
  timezone: 'Asia/Shanghai',
  policy: { releasers: 'developers', releaserIds: [], approvers: 'owners', approverIds: [], refPolicy: { kind: 'any' }, customRollout: 'everyone' },
  archivedAt: null,
  createdAt: '2026-11-23T10:00:00.000Z',
  updatedAt: '2026-11-23T10:00:00.000Z',
};

const refOf = (req: RecordedRequest) => new URL(req.url, 'http://localhost').searchParams.get('ref') ?? '';
/** What releasing `ref` would change: one commit per ref, so the list shows which ref it was read for. */
const changes = (ref: string) => ({
  ref,
  from: { commit: 'f'.repeat(40), releaseId: CREATED, ref: 'v0.9.0' },
  commits: [{ sha: SHA, message: `feat: ${ref} 的改动`, author: 'bob', date: '2026-11-23T09:00:00.000Z', webUrl: `https://git.example.com/shop/-/commit/${SHA}` }],
  truncated: false,
  source: 'gitlab',
  note: null,
});

function routes(env: typeof environment = environment) {
  return {
    'GET /api/projects': () => json(200, page([{ id: PROJECT, groupId: GROUP, name: 'shop' }])),
    [`GET /api/projects/${PROJECT}/commits`]: (req: RecordedRequest) =>
      json(200, {
        ref: new URL(req.url, 'http://localhost').searchParams.get('ref') ?? 'main',
        commits: [{ sha: SHA, message: 'fix: 订单金额取整', author: 'alice', date: new Date(Date.now() - 3 * 3600_000).toISOString() }],
        fetchedAt: '2026-11-23T10:00:00.000Z',
      }),
    [`GET /api/projects/${PROJECT}/environments`]: () => json(200, page([env])),
    [`GET /api/projects/${PROJECT}/refs`]: () =>
      json(200, { branches: [{ name: 'main', sha: 'a'.repeat(40) }], tags: [{ name: 'v1.0.0', sha: 'b'.repeat(40) }], fetchedAt: '2026-11-23T10:00:00.000Z' }),
    [`GET /api/environments/${ENV}/window-status`]: () =>
      json(200, { inside: false, restricted: true, timezone: 'Asia/Shanghai', now: '2026-11-23T10:00:00.000Z', localTime: '2026-11-23 18:00 Mon', windows: [] }),
    [`GET /api/environments/${ENV}/changes`]: (req: RecordedRequest) => json(200, changes(refOf(req))),
    'POST /api/releases/dry-run': () =>
      json(200, { commit: SHA, releaseIdPlaceholder: 'NEW-RELEASE', batches: [[WEB1, WEB2]], rollout: { strategy: 'parallel', concurrency: 4 }, global: [], targets: [] }),
    'POST /api/releases': () => json(201, { id: CREATED }),
  };
}

/** The form's button first shows the plan; the release is created from the button under it. */
async function submitThroughPlan(wrapper: Awaited<ReturnType<typeof mountNew>>): Promise<void> {
  await wrapper.get('form').trigger('submit');
  await vi.waitFor(async () => {
    await flushPromises();
    expect(wrapper.find('[data-testid="plan-submit"]').exists()).toBe(true);
  });
  await wrapper.get('[data-testid="plan-submit"]').trigger('click');
}

const created = (calls: RecordedRequest[]) => calls.find((c) => c.method === 'POST' && c.url === '/api/releases');

const mountNew = (path: string) => mountSignedIn(NewView, path);

isolateViewTests();

describe('new release view', () => {
  it('pre-fills from the URL, warns about approval and windows, and submits a batched rollout', async () => {
    const calls = stubFetch(routes());
    const wrapper = await mountNew(`/release/new?project=${PROJECT}&env=${ENV}&ref=v1.0.0`);

    await vi.waitFor(async () => {
      await flushPromises();
      expect(wrapper.text()).toContain('该环境需要审批');
      expect(wrapper.text()).toContain('当前不在该环境的发布窗口内（2026-11-23 18:00 Mon）');
    });
    expect(calls.some((c) => c.url === `/api/projects/${PROJECT}/refs`)).toBe(true);

    await wrapper.get('.new__description textarea').setValue('双十一前的修复');
    await wrapper.get('[data-testid="form-rollout"] input[value="batches"]').setValue(true);
    await wrapper.get('.new__batches input').setValue('1, 25%, 100%');
    await wrapper.get('form').trigger('submit');
    await vi.waitFor(async () => {
      await flushPromises();
      expect(wrapper.find('[data-testid="plan-preview"]').exists()).toBe(true);
    });
    // The first press only showed the plan; nothing is created until the operator confirms under it.
    expect(created(calls)).toBeUndefined();
    expect(wrapper.get('[data-testid="form-submit"]').text()).toBe('提交发布单');
    await wrapper.get('[data-testid="plan-submit"]').trigger('click');

    await vi.waitFor(async () => {
      await flushPromises();
      expect(router.currentRoute.value.fullPath).toBe(`/releases/${CREATED}`);
    });
    const post = created(calls);
    expect(post?.body).toEqual({
      environmentId: ENV,
      ref: 'v1.0.0',
      description: '双十一前的修复',
      rollout: {
        strategy: 'batches',
        concurrency: 4,
        batches: [1, '25%', '100%'],
        betweenBatches: { mode: 'manual' },
        failure: { tolerate: 0 },
        autoRollback: true,
      },
    });
  });

  it('shows under the ref what the release would change, and reads it again for another ref', async () => {
    const calls = stubFetch(routes());
    const wrapper = await mountNew(`/release/new?project=${PROJECT}&env=${ENV}&ref=main`);

    await vi.waitFor(async () => {
      await flushPromises();
      expect(wrapper.get('[data-testid="release-changes"]').text()).toContain('feat: main 的改动');
    });
    expect(wrapper.get('[data-testid="changes-summary"]').text()).toBe('自 ffffffff（v0.9.0）以来的 1 个提交');
    expect(wrapper.get('a[data-testid="changes-sha"]').attributes('href')).toBe(`https://git.example.com/shop/-/commit/${SHA}`);

    const tag = [...document.body.querySelectorAll('.el-select-dropdown__item')].find((o) => o.textContent?.includes('v1.0.0')) as HTMLElement;
    tag.click();
    await vi.waitFor(async () => {
      await flushPromises();
      expect(wrapper.get('[data-testid="release-changes"]').text()).toContain('feat: v1.0.0 的改动');
    });
    expect(calls.filter((c) => c.url.startsWith(`/api/environments/${ENV}/changes`)).map(refOf)).toEqual(['main', 'v1.0.0']);
  });

  it('shows a failure to read the changes inline and still creates the release', async () => {
    const calls = stubFetch({
      ...routes(),
      [`GET /api/environments/${ENV}/changes`]: () => json(502, { error: { code: 'GIT_UNAVAILABLE', message: '无法连接 Git 仓库' } }),
    });
    const wrapper = await mountNew(`/release/new?project=${PROJECT}&env=${ENV}&ref=main`);
    await vi.waitFor(async () => {
      await flushPromises();
      expect(wrapper.get('[data-testid="changes-error"]').text()).toContain('无法连接 Git 仓库');
    });

    await submitThroughPlan(wrapper);
    await vi.waitFor(async () => {
      await flushPromises();
      expect(created(calls)?.body).toEqual({ environmentId: ENV, ref: 'main' });
    });
  });

  it('does not submit without a ref', async () => {
    const calls = stubFetch(routes());
    const wrapper = await mountNew(`/release/new?project=${PROJECT}&env=${ENV}`);

    await wrapper.get('[data-testid="form-preview"]').trigger('click');
    await wrapper.get('form').trigger('submit');
    await vi.waitFor(async () => {
      await flushPromises();
      expect(wrapper.text()).toContain('请选择或输入要发布的版本');
    });
    expect(calls.some((c) => c.method === 'POST')).toBe(false);
  });

  it('offers recent commits of the chosen branch and releases the picked commit', async () => {
    const calls = stubFetch(routes());
    const wrapper = await mountNew(`/release/new?project=${PROJECT}&env=${ENV}&ref=main`);

    await vi.waitFor(async () => {
      await flushPromises();
      expect(document.body.querySelector('.new__commit')?.textContent).toContain('c0ffee01');
    });
    expect(calls.some((c) => c.url === `/api/projects/${PROJECT}/commits?ref=main&limit=20`)).toBe(true);
    const option = document.body.querySelector('.new__commit') as HTMLElement;
    expect(option.textContent).toContain('fix: 订单金额取整');
    expect(option.textContent).toContain('alice · 3小时前');

    option.click();
    await flushPromises();
    expect(router.currentRoute.value.query.ref).toBe(SHA);
    // Picking a commit keeps the branch's list instead of asking for the commits of the SHA.
    expect(calls.some((c) => c.url.includes('/commits?') && c.url.includes(`ref=${SHA}`))).toBe(false);

    await submitThroughPlan(wrapper);
    await vi.waitFor(async () => {
      await flushPromises();
      expect(created(calls)?.body).toEqual({ environmentId: ENV, ref: SHA });
    });
  });

  it('releases to a chosen subset of servers at a scheduled time, refusing an empty subset and a past time', async () => {
    const calls = stubFetch(routes());
    const wrapper = await mountNew(`/release/new?project=${PROJECT}&env=${ENV}&ref=main`);
    await flushPromises();

    await wrapper.get('[data-testid="form-hosts"] input[value="some"]').setValue(true);
    await wrapper.get('[data-testid="form-schedule"] input').setValue(true);
    await wrapper.get('form').trigger('submit');
    await vi.waitFor(async () => {
      await flushPromises();
      expect(wrapper.text()).toContain('请至少选择一台服务器');
      expect(wrapper.text()).toContain('请选择一个将来的时间');
    });
    expect(calls.some((c) => c.method === 'POST')).toBe(false);

    const [web2] = [...document.body.querySelectorAll('.el-select-dropdown__item')].filter((o) => o.textContent?.includes('web-2')) as HTMLElement[];
    web2?.click();
    const when = new Date(Date.now() + 2 * 86400_000);
    when.setSeconds(0, 0);
    const picker = wrapper.getComponent({ name: 'ElDatePicker' });
    picker.vm.$emit('update:modelValue', when);
    await flushPromises();
    await submitThroughPlan(wrapper);

    await vi.waitFor(async () => {
      await flushPromises();
      expect(created(calls)?.body).toEqual({ environmentId: ENV, ref: 'main', serverIds: [WEB2], scheduledAt: when.toISOString() });
    });
  });

  it('previews the plan: global commands first, then each batch and server, dropped when the choices change', async () => {
    const plan = {
      commit: SHA,
      batches: [[WEB1], [WEB2]],
      rollout: { strategy: 'batches', batches: [1, 1], betweenBatches: { mode: 'manual' } },
      global: [{ stage: 'build', command: 'npm ci && npm run build' }],
      targets: [
        { serverId: WEB1, serverName: 'web-1', host: '10.0.0.1', commands: [{ stage: 'release', command: 'ln -sfn /srv/shop/releases/x /srv/shop/current' }] },
        { serverId: WEB2, serverName: 'web-2', host: '10.0.0.2', commands: [{ stage: 'release', command: 'ln -sfn /srv/shop/releases/y /srv/shop/current' }] },
      ],
    };
    const calls = stubFetch({ ...routes(), 'POST /api/releases/dry-run': () => json(200, plan) });
    const wrapper = await mountNew(`/release/new?project=${PROJECT}&env=${ENV}&ref=main`);
    await flushPromises();

    await wrapper.get('[data-testid="form-rollout"] input[value="batches"]').setValue(true);
    await wrapper.get('.new__batches input').setValue('1, 100%');
    // The start time is not part of the plan: an unfinished schedule does not block the preview.
    await wrapper.get('[data-testid="form-schedule"] input').setValue(true);
    await wrapper.get('[data-testid="form-preview"]').trigger('click');
    await vi.waitFor(async () => {
      await flushPromises();
      expect(wrapper.find('[data-testid="plan-preview"]').exists()).toBe(true);
    });
    expect(calls.find((c) => c.url === '/api/releases/dry-run')?.body).toEqual({
      environmentId: ENV,
      ref: 'main',
      rollout: expect.objectContaining({ strategy: 'batches', batches: [1, '100%'] }),
    });
    expect(calls.some((c) => c.url === '/api/releases')).toBe(false);

    const preview = wrapper.get('[data-testid="plan-preview"]');
    expect(preview.text()).toContain('将发布提交 c0ffee01，共 2 台服务器，分 2 批执行');
    // The shell commands fold away under the summary.
    await preview.get('[data-testid="plan-details"] .el-collapse-item__header').trigger('click');
    await flushPromises();
    expect(preview.get('[data-testid="plan-global-command"]').text()).toContain('npm ci && npm run build');
    expect(preview.text()).toContain('第 1 批 · 1 台服务器');
    // Only the first server's commands are expanded; the second batch stays folded until opened.
    expect(preview.findAll('[data-testid="plan-target-command"]').map((c) => c.text())).toEqual([expect.stringContaining('releases/x')]);

    await wrapper.get('.new__batches input').setValue('50%, 100%');
    await flushPromises();
    expect(wrapper.find('[data-testid="plan-preview"]').exists()).toBe(false);
  });

  it('tells a viewer of the project\'s group that they cannot release and disables submitting', async () => {
    stubFetch(routes());
    const wrapper = await mountNew(`/release/new?project=${PROJECT}&env=${ENV}&ref=main`);
    const auth = useAuthStore();
    auth.user = { ...auth.user!, isAdmin: false, memberships: [{ groupId: GROUP, groupName: 'shop', role: 'viewer' }] };
    await flushPromises();

    expect(wrapper.find('[data-testid="form-no-right"]').exists()).toBe(true);
    expect(wrapper.get('[data-testid="form-submit"]').attributes('disabled')).toBeDefined();
    expect(wrapper.get('[data-testid="form-preview"]').attributes('disabled')).toBeDefined();
  });

  it('shows the environment\'s ref rule, offers only the refs it accepts, and warns about one it refuses', async () => {
    const tagsOnly = { ...environment, policy: { ...environment.policy, refPolicy: { kind: 'tags', pattern: 'v*' } } };
    stubFetch(routes(tagsOnly as typeof environment));
    const wrapper = await mountNew(`/release/new?project=${PROJECT}&env=${ENV}&ref=main`);
    await vi.waitFor(async () => {
      await flushPromises();
      expect(wrapper.get('[data-testid="form-ref-rule"]').text()).toContain('该环境只接受匹配 v* 的标签。');
    });
    expect(wrapper.get('[data-testid="form-ref-rule"]').text()).toContain('提交会被拒绝');
    const offered = [...document.body.querySelectorAll('.el-select-dropdown__item')].map((o) => o.textContent ?? '');
    expect(offered.some((text) => text.includes('v1.0.0'))).toBe(true);
    expect(offered.some((text) => text.startsWith('main'))).toBe(false);

    const tag = [...document.body.querySelectorAll('.el-select-dropdown__item')].find((o) => o.textContent?.includes('v1.0.0')) as HTMLElement;
    tag.click();
    await flushPromises();
    expect(router.currentRoute.value.query.ref).toBe('v1.0.0');
    expect(wrapper.get('[data-testid="form-ref-rule"]').text()).not.toContain('提交会被拒绝');
  });

  it('follows the environment\'s policy for developers: owners only, and no custom rollout', async () => {
    const strict = { ...environment, policy: { ...environment.policy, releasers: 'owners', customRollout: 'owners' } };
    stubFetch(routes(strict as typeof environment));
    const wrapper = await mountNew(`/release/new?project=${PROJECT}&env=${ENV}&ref=main`);
    const auth = useAuthStore();
    auth.user = { ...auth.user!, isAdmin: false, memberships: [{ groupId: GROUP, groupName: 'shop', role: 'developer' }] };
    await flushPromises();

    expect(wrapper.get('[data-testid="form-no-right"]').text()).toContain('该环境只允许分组负责人发布');
    expect(wrapper.get('[data-testid="form-submit"]').attributes('disabled')).toBeDefined();
    expect(wrapper.get('[data-testid="form-rollout"] input[value="batches"]').attributes('disabled')).toBeDefined();
    expect(wrapper.find('[data-testid="form-rollout-locked"]').exists()).toBe(true);

    auth.user = { ...auth.user, memberships: [{ groupId: GROUP, groupName: 'shop', role: 'owner' }] };
    await flushPromises();
    expect(wrapper.find('[data-testid="form-no-right"]').exists()).toBe(false);
    expect(wrapper.find('[data-testid="form-rollout-locked"]').exists()).toBe(false);
  });

  it('asks for a future start time only once one was picked or the form is submitted', async () => {
    stubFetch(routes());
    const wrapper = await mountNew(`/release/new?project=${PROJECT}&env=${ENV}&ref=main`);
    await vi.waitFor(async () => {
      await flushPromises();
      expect(wrapper.text()).toContain('该环境需要审批');
    });

    await wrapper.get('[data-testid="form-schedule"] input').setValue(true);
    await settle();
    expect(wrapper.findComponent({ name: 'ElDatePicker' }).exists()).toBe(true);
    // A form item's validation answers a few turns later: give an unwanted one the time to show.
    await new Promise((resolve) => setTimeout(resolve, 200));
    await flushPromises();
    expect(wrapper.text()).not.toContain('请选择一个将来的时间');

    await wrapper.get('form').trigger('submit');
    await vi.waitFor(async () => {
      await flushPromises();
      expect(wrapper.text()).toContain('请选择一个将来的时间');
    });
    await wrapper.get('[data-testid="form-schedule"] input').setValue(false);
    await settle();
    expect(wrapper.text()).not.toContain('请选择一个将来的时间');
  });

  it("names the environment's own rollout as the default, and starts custom batches from its batches", async () => {
    const batched = {
      ...environment,
      rollout: { ...environment.rollout, strategy: 'batches', batches: [2, '50%', '100%'], betweenBatches: { mode: 'auto', seconds: 30 } },
    };
    stubFetch(routes(batched as unknown as typeof environment));
    const wrapper = await mountNew(`/release/new?project=${PROJECT}&env=${ENV}&ref=main`);
    await vi.waitFor(async () => {
      await flushPromises();
      expect(wrapper.get('[data-testid="form-rollout-default"]').text()).toBe('环境默认：分批 2, 50%, 100%');
    });

    await wrapper.get('[data-testid="form-rollout"] input[value="batches"]').setValue(true);
    await flushPromises();
    expect((wrapper.get('.new__batches input').element as HTMLInputElement).value).toBe('2, 50%, 100%');
    expect((wrapper.get('.new__seconds input').element as HTMLInputElement).value).toBe('30');
  });

  it('says what a parallel default is', async () => {
    stubFetch(routes());
    const wrapper = await mountNew(`/release/new?project=${PROJECT}&env=${ENV}&ref=main`);
    await vi.waitFor(async () => {
      await flushPromises();
      expect(wrapper.get('[data-testid="form-rollout-default"]').text()).toBe('环境默认：并行（并发 4）');
    });
  });

  it('offers tags newest first: versions by version, other tags after them in reverse order', async () => {
    const tags = ['legacy-a', 'legacy-b', 'v1.10.0', 'v1.2.0', 'v1.9.0', 'v1.9.0-rc.1', 'v1.9.0-rc.2'].map((name) => ({ name, sha: 'b'.repeat(40) }));
    stubFetch({
      ...routes(),
      [`GET /api/projects/${PROJECT}/refs`]: () => json(200, { branches: [{ name: 'main', sha: 'a'.repeat(40) }], tags, fetchedAt: '2026-11-23T10:00:00.000Z' }),
    });
    await mountNew(`/release/new?project=${PROJECT}&env=${ENV}`);
    await vi.waitFor(async () => {
      await flushPromises();
      expect(document.body.querySelectorAll('.el-select-dropdown__item').length).toBeGreaterThan(tags.length);
    });

    const offered = [...document.body.querySelectorAll('.el-select-dropdown__item')].map((o) => o.textContent?.replace(/b{8}$/, '').trim());
    expect(offered.filter((name) => tags.some((tag) => tag.name === name))).toEqual([
      'v1.10.0',
      'v1.9.0',
      'v1.9.0-rc.2',
      'v1.9.0-rc.1',
      'v1.2.0',
      'legacy-b',
      'legacy-a',
    ]);
  });
});
