import { describe, expect, it, vi } from 'vitest';
import { flushPromises } from '@vue/test-utils';
import type { Credential } from '@/api/credentials';
import type { GitPlatform } from '@/api/git-platforms';
import { useAuthStore } from '@/stores/auth';
import { json, stubFetch, type RecordedRequest } from '@/test/fetch-stub';
import { isolateViewTests, mountSignedIn } from '@/test/mount-view';
import GitPlatformsView from './index.vue';
import { lastQuery, messageBoxButton, page, rowOf, settle } from '@/test/ui';

const GROUP = '00000000-0000-4000-8000-0000000000a1';
const OTHER = '00000000-0000-4000-8000-0000000000b2';
const LAB_ID = '00000000-0000-4000-8000-0000000000d1';
const HUB_ID = '00000000-0000-4000-8000-0000000000d2';
const NEW_ID = '00000000-0000-4000-8000-0000000000d3';
const GROUP_TOKEN = '00000000-0000-4000-8000-0000000000c1';
const GLOBAL_TOKEN = '00000000-0000-4000-8000-0000000000c2';

const NEVER = { checkedAt: null, ok: null, message: null, tokenUser: null, tokenScopes: [] };
const NO_SYNC = { runningSince: null, mode: null, syncedAt: null, fullSyncedAt: null, ok: null, message: null, projects: 0 };

const platform = (over: Partial<GitPlatform> = {}): GitPlatform => ({
  id: LAB_ID,
  groupId: GROUP,
  name: 'corp-gitlab',
  kind: 'gitlab',
  baseUrl: 'https://example.com/gitlab',
  credentialId: GROUP_TOKEN,
  credentialName: 'gitlab-bot',
  check: { checkedAt: '2026-11-30T08:00:00.000Z', ok: true, message: null, tokenUser: 'release-bot', tokenScopes: ['api', 'read_repository'] },
  sync: NO_SYNC,
  createdAt: '2026-11-23T10:00:00.000Z',
  updatedAt: '2026-11-23T10:00:00.000Z',
  ...over,
});

const token = (over: Partial<Credential> = {}): Credential => ({
  id: GROUP_TOKEN,
  groupId: GROUP,
  name: 'gitlab-bot',
  description: '',
  kind: 'git_token',
  username: 'oauth2',
  publicKey: null,
  fingerprint: null,
  boundHost: 'example.com',
  createdAt: '2026-11-23T10:00:00.000Z',
  updatedAt: '2026-11-23T10:00:00.000Z',
  ...over,
});

function routes(extra: Record<string, (req: RecordedRequest) => Response | Promise<Response>> = {}) {
  return {
    'GET /api/git-platforms': () =>
      json(200, page([platform(), platform({ id: HUB_ID, groupId: null, name: 'github', kind: 'github', baseUrl: 'https://github.com', credentialId: GLOBAL_TOKEN, credentialName: 'gh-token', check: NEVER })])),
    'GET /api/groups': () => json(200, page([{ id: GROUP, name: 'shop' }, { id: OTHER, name: 'pay' }])),
    'GET /api/credentials': (req: RecordedRequest) => {
      const global = new URL(req.url, 'http://localhost').searchParams.get('global') === 'true';
      return json(200, page(global ? [token({ id: GLOBAL_TOKEN, groupId: null, name: 'gh-token', boundHost: null })] : [token()]));
    },
    ...extra,
  };
}

const mountList = (path = '/git-platforms') => mountSignedIn(GitPlatformsView, path);

/** Checks a radio button of an Element Plus radio group the way a click does. */
async function pickKind(wrapper: Awaited<ReturnType<typeof mountList>>, kind: string): Promise<void> {
  await wrapper.get(`[data-testid="git-platform-kind"] input[value="${kind}"]`).setValue(true);
  await settle();
}

/** Picks an option of the credential select by its text (the dropdown is teleported to <body>). */
async function pickCredential(wrapper: Awaited<ReturnType<typeof mountList>>, name: string): Promise<void> {
  await wrapper.get('[data-testid="git-platform-credential"] .el-select__wrapper').trigger('click');
  await vi.waitFor(async () => {
    await flushPromises();
    const option = [...document.querySelectorAll<HTMLElement>('.el-select-dropdown__item')].find((o) => o.textContent?.includes(name));
    expect(option).toBeDefined();
    option?.click();
  });
  await settle();
}

/** The texts of the toasts on screen (those of earlier tests may still be fading out). */
const toasts = (kind: 'success' | 'error') => [...document.querySelectorAll(`.el-message--${kind}`)].map((m) => m.textContent ?? '');

isolateViewTests();

describe('git platforms view', () => {
  it('lists platforms with kind, link, group, token and last test, and sends search, group and kind filters', async () => {
    const calls = stubFetch(routes());
    const wrapper = await mountList(`/git-platforms?group=${GROUP}&kind=gitlab`);

    expect(lastQuery(calls, '/api/git-platforms')).toEqual({ groupId: GROUP, kind: 'gitlab', page: '1', pageSize: '20' });
    const lab = rowOf(wrapper, 'corp-gitlab');
    expect(lab.text()).toContain('GitLab');
    expect(lab.text()).toContain('shop');
    expect(lab.text()).toContain('gitlab-bot');
    expect(lab.get('[data-testid="git-platform-url"]').attributes()).toMatchObject({ href: 'https://example.com/gitlab', target: '_blank' });
    const check = lab.get('[data-testid="git-platform-check"]').text();
    expect(check).toContain('令牌用户：release-bot');
    expect(check).toContain('api, read_repository');
    expect(check).toContain('测试于');

    const hub = rowOf(wrapper, 'github');
    expect(hub.text()).toContain('全局');
    expect(hub.get('[data-testid="git-platform-check"]').text()).toBe('从未测试');

    const search = wrapper.get('[data-testid="git-platform-search"]');
    await search.setValue('corp');
    await search.trigger('change');
    await settle();
    expect(lastQuery(calls, '/api/git-platforms')).toMatchObject({ q: 'corp', groupId: GROUP, kind: 'gitlab' });
  });

  it('tests the connection: a loading state, then the token user or the refusal, in the row and as a message', async () => {
    let release: (() => void) | undefined;
    const calls = stubFetch(
      routes({
        [`POST /api/git-platforms/${LAB_ID}/test`]: async () => {
          await new Promise<void>((resolve) => (release = resolve));
          return json(200, platform({ check: { checkedAt: '2026-12-02T09:00:00.000Z', ok: true, message: null, tokenUser: 'ci-user', tokenScopes: ['read_api'] } }));
        },
        [`POST /api/git-platforms/${HUB_ID}/test`]: () =>
          json(200, platform({ id: HUB_ID, groupId: null, name: 'github', kind: 'github', check: { checkedAt: '2026-12-02T09:00:00.000Z', ok: false, message: 'GitHub refused the token (401 Bad credentials)', tokenUser: null, tokenScopes: [] } })),
      }),
    );
    const wrapper = await mountList();

    await rowOf(wrapper, 'corp-gitlab').get('[data-testid="git-platform-test"]').trigger('click');
    await flushPromises();
    expect(rowOf(wrapper, 'corp-gitlab').get('[data-testid="git-platform-check"]').text()).toContain('测试中');
    release?.();
    await vi.waitFor(async () => {
      await flushPromises();
      expect(rowOf(wrapper, 'corp-gitlab').get('[data-testid="git-platform-check"]').text()).toContain('令牌用户：ci-user');
    });
    expect(rowOf(wrapper, 'corp-gitlab').get('[data-testid="git-platform-check"]').text()).toContain('read_api');
    await vi.waitFor(() => expect(document.querySelector('.el-message--success')?.textContent).toContain('令牌属于 ci-user'));

    await rowOf(wrapper, 'github').get('[data-testid="git-platform-test"]').trigger('click');
    await vi.waitFor(async () => {
      await flushPromises();
      const result = rowOf(wrapper, 'github').get('[data-testid="git-platform-check"]').text();
      expect(result).toContain('连接失败');
      expect(result).toContain('GitHub refused the token (401 Bad credentials)');
    });
    await vi.waitFor(() => expect(document.querySelector('.el-message--error')?.textContent).toContain('“github”连接失败'));
    expect(calls.filter((c) => c.method === 'POST').map((c) => c.url)).toEqual([`/api/git-platforms/${LAB_ID}/test`, `/api/git-platforms/${HUB_ID}/test`]);
  });

  it('deletes only after a confirmation that names the platform and keeps its token credential', async () => {
    const calls = stubFetch(routes({ [`DELETE /api/git-platforms/${LAB_ID}`]: () => new Response(null, { status: 204 }) }));
    const wrapper = await mountList();

    await rowOf(wrapper, 'corp-gitlab').get('[data-testid="git-platform-delete"]').trigger('click');
    await vi.waitFor(() => messageBoxButton('cancel'));
    const box = document.querySelectorAll('.el-message-box');
    expect(box[box.length - 1]?.textContent).toContain('确定删除代码平台“corp-gitlab”吗？令牌凭据“gitlab-bot”会保留');
    messageBoxButton('cancel').click();
    await settle();
    expect(calls.some((c) => c.method === 'DELETE')).toBe(false);

    await rowOf(wrapper, 'corp-gitlab').get('[data-testid="git-platform-delete"]').trigger('click');
    await vi.waitFor(() => messageBoxButton('primary'));
    messageBoxButton('primary').click();
    await vi.waitFor(async () => {
      await flushPromises();
      expect(calls.filter((c) => c.method === 'DELETE').map((c) => c.url)).toEqual([`/api/git-platforms/${LAB_ID}`]);
    });
  });

  it('registers a platform with the right body, offering the group\'s and the global git tokens, and shows a field error from a 400', async () => {
    let answer = () =>
      json(400, { error: { code: 'VALIDATION', message: 'body.baseUrl: resolves to a private address', details: [{ field: 'body.baseUrl', message: 'resolves to a private address' }] } });
    const calls = stubFetch(routes({ 'POST /api/git-platforms': () => answer() }));
    const wrapper = await mountList(`/git-platforms?group=${GROUP}`);

    await wrapper.get('[data-testid="git-platform-create"]').trigger('click');
    await settle();
    const tokenQueries = calls.filter((c) => c.url.startsWith('/api/credentials')).map((c) => Object.fromEntries(new URL(c.url, 'http://localhost').searchParams));
    expect(tokenQueries).toEqual(expect.arrayContaining([expect.objectContaining({ groupId: GROUP, kind: 'git_token' }), expect.objectContaining({ global: 'true', kind: 'git_token' })]));
    expect(wrapper.get('[data-testid="git-platform-base-url-hint"]').text()).toContain('子路径');
    expect(wrapper.get('[data-testid="git-platform-credential-hint"] a').attributes('href')).toBe(`/credentials?kind=git_token&group=${GROUP}`);

    await pickKind(wrapper, 'github');
    expect(wrapper.get<HTMLInputElement>('[data-testid="git-platform-base-url"]').element.value).toBe('https://github.com');
    expect(wrapper.get('[data-testid="git-platform-base-url-hint"]').text()).toContain('GitHub Enterprise Server');
    await pickKind(wrapper, 'gitlab');
    expect(wrapper.get<HTMLInputElement>('[data-testid="git-platform-base-url"]').element.value).toBe('');

    await wrapper.get('[data-testid="git-platform-name"]').setValue('corp-gitlab-2');
    await wrapper.get('[data-testid="git-platform-base-url"]').setValue(' https://git.internal/gitlab ');
    await pickCredential(wrapper, 'gitlab-bot');
    await wrapper.get('[data-testid="git-platform-save"]').trigger('click');

    await vi.waitFor(async () => {
      await flushPromises();
      expect(wrapper.get('[data-testid="git-platform-dialog"]').text()).toContain('resolves to a private address');
    });
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ groupId: GROUP, name: 'corp-gitlab-2', kind: 'gitlab', baseUrl: 'https://git.internal/gitlab', credentialId: GROUP_TOKEN });
    expect(wrapper.get('[data-testid="git-platform-base-url"]').element.closest('.el-form-item')?.classList.contains('is-error')).toBe(true);

    answer = () => json(201, platform({ id: NEW_ID, name: 'corp-gitlab-2', check: NEVER }));
    await wrapper.get('[data-testid="git-platform-base-url"]').setValue('https://git.example.com/gitlab');
    await wrapper.get('[data-testid="git-platform-save"]').trigger('click');
    await vi.waitFor(async () => {
      await flushPromises();
      expect(calls.filter((c) => c.method === 'POST')).toHaveLength(2);
    });
    expect(calls.filter((c) => c.method === 'POST')[1]?.body).toMatchObject({ baseUrl: 'https://git.example.com/gitlab' });
  });

  it('refuses an address that is not https:// or has no name, without calling the API', async () => {
    const calls = stubFetch(routes());
    const wrapper = await mountList(`/git-platforms?group=${GROUP}`);

    await wrapper.get('[data-testid="git-platform-create"]').trigger('click');
    await settle();
    await wrapper.get('[data-testid="git-platform-base-url"]').setValue('git@gitlab.example.com:team/app.git');
    await wrapper.get('[data-testid="git-platform-save"]').trigger('click');
    await vi.waitFor(async () => {
      await flushPromises();
      const text = wrapper.get('[data-testid="git-platform-dialog"]').text();
      expect(text).toContain('请输入名称');
      expect(text).toContain('请输入以 https:// 开头的地址');
      expect(text).toContain('请选择令牌凭据');
    });
    expect(calls.some((c) => c.method === 'POST')).toBe(false);
  });

  it('offers an administrator a global platform with global tokens only', async () => {
    const calls = stubFetch(routes({ 'POST /api/git-platforms': () => json(201, platform({ id: NEW_ID, groupId: null })) }));
    const wrapper = await mountList('/git-platforms');

    await wrapper.get('[data-testid="git-platform-create"]').trigger('click');
    await settle();
    await wrapper.get('[data-testid="git-platform-group"] .el-select__wrapper').trigger('click');
    await vi.waitFor(async () => {
      await flushPromises();
      const option = [...document.querySelectorAll<HTMLElement>('.el-select-dropdown__item')].find((o) => o.textContent?.includes('全局（所有分组可用）'));
      expect(option).toBeDefined();
      option?.click();
    });
    await settle();
    expect(wrapper.get('[data-testid="git-platform-dialog"]').text()).toContain('全局代码平台只能使用全局凭据');

    await pickKind(wrapper, 'gitee');
    await wrapper.get('[data-testid="git-platform-name"]').setValue('gitee');
    await pickCredential(wrapper, 'gh-token');
    await wrapper.get('[data-testid="git-platform-save"]').trigger('click');
    await vi.waitFor(async () => {
      await flushPromises();
      expect(calls.some((c) => c.method === 'POST')).toBe(true);
    });
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ groupId: null, name: 'gitee', kind: 'gitee', baseUrl: 'https://gitee.com', credentialId: GLOBAL_TOKEN });
  });

  it('edits only what changed', async () => {
    const calls = stubFetch(routes({ [`PATCH /api/git-platforms/${LAB_ID}`]: () => json(200, platform({ name: 'gitlab-main' })) }));
    const wrapper = await mountList();

    await rowOf(wrapper, 'corp-gitlab').get('[data-testid="git-platform-edit"]').trigger('click');
    await settle();
    expect(wrapper.get<HTMLInputElement>('[data-testid="git-platform-base-url"]').element.value).toBe('https://example.com/gitlab');
    expect(wrapper.find('[data-testid="git-platform-kind"]').exists()).toBe(false);
    await wrapper.get('[data-testid="git-platform-name"]').setValue('gitlab-main');
    await wrapper.get('[data-testid="git-platform-save"]').trigger('click');
    await vi.waitFor(async () => {
      await flushPromises();
      expect(calls.some((c) => c.method === 'PATCH')).toBe(true);
    });
    expect(calls.find((c) => c.method === 'PATCH')?.body).toEqual({ name: 'gitlab-main' });
  });

  it('hides test, edit and delete from a group developer and the global ones from a group owner', async () => {
    stubFetch(routes());
    const wrapper = await mountList();
    const auth = useAuthStore();
    auth.user = { id: 'u2', username: 'dev', displayName: 'Dev', email: null, isAdmin: false, memberships: [{ groupId: GROUP, groupName: 'shop', role: 'developer' }] };
    await flushPromises();
    for (const id of ['git-platform-create', 'git-platform-test', 'git-platform-edit', 'git-platform-delete']) {
      expect(wrapper.find(`[data-testid="${id}"]`).exists()).toBe(false);
    }

    auth.user = { ...auth.user, memberships: [{ groupId: GROUP, groupName: 'shop', role: 'owner' }] };
    await flushPromises();
    expect(rowOf(wrapper, 'corp-gitlab').find('[data-testid="git-platform-test"]').exists()).toBe(true);
    expect(rowOf(wrapper, 'github').find('[data-testid="git-platform-test"]').exists()).toBe(false);
  });

  it('syncs a GitLab platform: posts the mode, follows the platform until the sync ends, and shows the outcome', async () => {
    const STARTED = '2026-12-02T09:10:00.000Z';
    const running = (mode: 'full' | 'incremental') => platform({ sync: { ...NO_SYNC, runningSince: STARTED, mode } });
    let polls = 0;
    const calls = stubFetch(
      routes({
        [`POST /api/git-platforms/${LAB_ID}/sync`]: (req) => json(202, running((req.body as { mode: 'full' | 'incremental' }).mode)),
        // Two answers "still running", then the outcome.
        [`GET /api/git-platforms/${LAB_ID}`]: () =>
          json(
            200,
            ++polls < 3
              ? running('full')
              : platform({ sync: { ...NO_SYNC, mode: 'full', syncedAt: STARTED, fullSyncedAt: STARTED, ok: true, projects: 42 } }),
          ),
      }),
    );
    const wrapper = await mountList();
    expect(rowOf(wrapper, 'corp-gitlab').get('[data-testid="git-platform-sync-status"]').text()).toBe('从未同步');

    await rowOf(wrapper, 'corp-gitlab').get('[data-testid="git-platform-sync"] .el-button').trigger('click');
    await settle();
    expect(calls.filter((c) => c.method === 'POST').map((c) => [c.url, c.body])).toEqual([[`/api/git-platforms/${LAB_ID}/sync`, { mode: 'full' }]]);
    expect(rowOf(wrapper, 'corp-gitlab').get('[data-testid="git-platform-sync-status"]').text()).toContain('全量同步中，开始于');
    expect(rowOf(wrapper, 'corp-gitlab').get('[data-testid="git-platform-sync"] .el-button').attributes('disabled')).toBeDefined();

    await vi.waitFor(
      async () => {
        await flushPromises();
        expect(rowOf(wrapper, 'corp-gitlab').get('[data-testid="git-platform-sync-status"]').text()).toContain('42 个项目');
      },
      { timeout: 6000, interval: 100 },
    );
    expect(polls).toBe(3);
    expect(rowOf(wrapper, 'corp-gitlab').get('[data-testid="git-platform-sync-status"]').text()).toContain('同步于');
    expect(rowOf(wrapper, 'corp-gitlab').get('[data-testid="git-platform-projects"]').text()).toContain('查看项目（42）');
    await vi.waitFor(() => expect(toasts('success')).toContainEqual(expect.stringContaining('“corp-gitlab”同步完成，共 42 个项目')));
    // The sync is over: no more requests for it.
    await new Promise((resolve) => setTimeout(resolve, 1300));
    expect(polls).toBe(3);
  }, 15_000);

  it('starts an incremental sync from the menu, and tells a failed sync with its message', async () => {
    const calls = stubFetch(
      routes({
        [`POST /api/git-platforms/${LAB_ID}/sync`]: () => json(202, platform({ sync: { ...NO_SYNC, runningSince: '2026-12-02T09:10:00.000Z', mode: 'incremental' } })),
        [`GET /api/git-platforms/${LAB_ID}`]: () => json(200, platform({ sync: { ...NO_SYNC, mode: 'incremental', ok: false, message: 'GitLab answered 403 Forbidden' } })),
      }),
    );
    const wrapper = await mountList();

    await rowOf(wrapper, 'corp-gitlab').get('[data-testid="git-platform-sync"] .el-dropdown__caret-button').trigger('click');
    await vi.waitFor(async () => {
      await flushPromises();
      expect(document.querySelector('[data-testid="git-platform-sync-incremental"]')).not.toBeNull();
    });
    document.querySelector<HTMLElement>('[data-testid="git-platform-sync-incremental"]')?.click();
    await vi.waitFor(async () => {
      await flushPromises();
      expect(calls.filter((c) => c.method === 'POST').map((c) => c.body)).toEqual([{ mode: 'incremental' }]);
    });
    expect(rowOf(wrapper, 'corp-gitlab').get('[data-testid="git-platform-sync-status"]').text()).toContain('增量同步中');

    await vi.waitFor(
      async () => {
        await flushPromises();
        const status = rowOf(wrapper, 'corp-gitlab').get('[data-testid="git-platform-sync-status"]').text();
        expect(status).toContain('同步失败');
        expect(status).toContain('GitLab answered 403 Forbidden');
      },
      { timeout: 6000, interval: 100 },
    );
    await vi.waitFor(() => expect(toasts('error')).toContainEqual(expect.stringContaining('“corp-gitlab”同步失败：GitLab answered 403 Forbidden')));
  }, 15_000);

  it('shows the message of a 409, and follows the sync that is already running', async () => {
    let polls = 0;
    stubFetch(
      routes({
        [`POST /api/git-platforms/${LAB_ID}/sync`]: () => json(409, { error: { code: 'CONFLICT', message: 'A sync of this platform is already running' } }),
        [`GET /api/git-platforms/${LAB_ID}`]: () =>
          json(200, ++polls < 2 ? platform({ sync: { ...NO_SYNC, runningSince: '2026-12-02T09:00:00.000Z', mode: 'full' } }) : platform({ sync: { ...NO_SYNC, ok: true, syncedAt: '2026-12-02T09:00:00.000Z', projects: 7 } })),
      }),
    );
    const wrapper = await mountList();

    await rowOf(wrapper, 'corp-gitlab').get('[data-testid="git-platform-sync"] .el-button').trigger('click');
    await vi.waitFor(() => expect(toasts('error')).toContainEqual(expect.stringContaining('A sync of this platform is already running')));
    await vi.waitFor(async () => {
      await flushPromises();
      expect(rowOf(wrapper, 'corp-gitlab').get('[data-testid="git-platform-sync-status"]').text()).toContain('全量同步中');
    });
    await vi.waitFor(
      async () => {
        await flushPromises();
        expect(rowOf(wrapper, 'corp-gitlab').get('[data-testid="git-platform-sync-status"]').text()).toContain('7 个项目');
      },
      { timeout: 6000, interval: 100 },
    );
  }, 15_000);

  it('syncs GitHub and Gitee platforms the same way', async () => {
    const calls = stubFetch(routes({ [`POST /api/git-platforms/${HUB_ID}/sync`]: () => json(409, { error: { code: 'CONFLICT', message: 'already running' } }) }));
    const wrapper = await mountList();
    const hub = rowOf(wrapper, 'github');
    expect(hub.get('[data-testid="git-platform-sync-status"]').text()).toBe('从未同步');
    expect(hub.get('[data-testid="git-platform-projects"]').text()).toContain('查看项目（0）');
    await hub.get('[data-testid="git-platform-sync"] .el-button').trigger('click');
    await vi.waitFor(() => expect(calls.filter((c) => c.method === 'POST').map((c) => [c.url, c.body])).toEqual([[`/api/git-platforms/${HUB_ID}/sync`, { mode: 'full' }]]));
  });
});
