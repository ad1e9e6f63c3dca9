import { describe, expect, it, vi } from 'vitest';
import { flushPromises } from '@vue/test-utils';
import type { Credential } from '@/api/credentials';
import type { Server } from '@/api/servers';
import { useAuthStore } from '@/stores/auth';
import { json, stubFetch, type RecordedRequest } from '@/test/fetch-stub';
import { isolateViewTests, mountSignedIn } from '@/test/mount-view';
import ServersView from './index.vue';
import { lastQuery, messageBoxButton, page, rowOf, settle } from '@/test/ui';

const GROUP = '00000000-0000-4000-8000-0000000000a1';
const WEB = '00000000-0000-4000-8000-0000000000d1';
const DB = '00000000-0000-4000-8000-0000000000d2';
const KEY = '00000000-0000-4000-8000-0000000000c1';
const GLOBAL_KEY = '00000000-0000-4000-8000-0000000000c2';
const PINNED = 'SHA256:2Lw6pR1m6bXyq3y8dCkq1wq2Yb1k8zA9Y5w1nR3kq0c';

const server = (over: Partial<Server> = {}): Server => ({
  id: WEB,
  groupId: GROUP,
  name: 'web-01',
  description: '',
  host: '10.0.0.21',
  port: 22,
  username: 'deploy',
  credentialId: KEY,
  credentialName: 'deploy-key',
  labels: ['role=web', 'idc=sh'],
  hostKeyFingerprint: null,
  buildAgent: false,
  sudo: false,
  lastTest: null,
  createdAt: '2026-11-23T10:00:00.000Z',
  updatedAt: '2026-11-23T10:00:00.000Z',
  ...over,
});

const key = (over: Partial<Credential>): Credential => ({
  id: KEY,
  groupId: GROUP,
  name: 'deploy-key',
  description: '',
  kind: 'ssh_key',
  username: null,
  publicKey: 'ssh-ed25519 AAAA',
  fingerprint: PINNED,
  boundHost: null,
  createdAt: '2026-11-23T10:00:00.000Z',
  updatedAt: '2026-11-23T10:00:00.000Z',
  ...over,
});

function routes(extra: Record<string, (req: RecordedRequest) => Response | Promise<Response>> = {}) {
  return {
    'GET /api/servers': () =>
      json(
        200,
        page([
          server(),
          server({ id: DB, name: 'db-01', host: 'db.internal', port: 2222, labels: [], hostKeyFingerprint: PINNED }),
        ]),
      ),
    'GET /api/groups': () => json(200, page([{ id: GROUP, name: 'shop' }])),
    'GET /api/credentials': (req: RecordedRequest) =>
      json(
        200,
        page(
          req.url.includes('global=true') ? [key({ id: GLOBAL_KEY, groupId: null, name: 'ops-global' })] : [key({})],
        ),
      ),
    ...extra,
  };
}

const mountList = (path = '/servers') => mountSignedIn(ServersView, path);

isolateViewTests();

describe('servers view', () => {
  it('shows address, user, credential, labels and host key state, and filters by search, group and label', async () => {
    const calls = stubFetch(routes());
    const wrapper = await mountList(`/servers?group=${GROUP}&label=role%3Dweb`);

    expect(lastQuery(calls, '/api/servers')).toEqual({ groupId: GROUP, label: 'role=web', page: '1', pageSize: '20' });
    const web = rowOf(wrapper, 'web-01');
    expect(web.text()).toContain('10.0.0.21:22');
    expect(web.text()).toContain('deploy-key');
    expect(web.text()).toContain('role=web');
    expect(web.text()).toContain('尚未固定');
    expect(rowOf(wrapper, 'db-01').text()).toContain('db.internal:2222');
    expect(rowOf(wrapper, 'db-01').get('[data-testid="server-fingerprint"]').text()).toBe(PINNED);

    const search = wrapper.get('[data-testid="server-search"]');
    await search.setValue('web');
    await search.trigger('change');
    await settle();
    expect(lastQuery(calls, '/api/servers')).toMatchObject({ q: 'web', groupId: GROUP, label: 'role=web' });

    await web
      .findAll('[data-testid="server-label"]')
      .find((tag) => tag.text() === 'idc=sh')
      ?.trigger('click');
    await settle();
    expect(lastQuery(calls, '/api/servers')).toMatchObject({ label: 'idc=sh' });
  });

  it('tests a connection and shows success with latency, or the error and its code, inline in the row', async () => {
    let release: (() => void) | undefined;
    const calls = stubFetch(
      routes({
        [`POST /api/servers/${WEB}/test`]: () =>
          new Promise<Response>((resolve) => {
            release = () =>
              resolve(
                json(200, {
                  ok: true,
                  latencyMs: 87,
                  fingerprint: PINNED,
                  learned: true,
                  output: 'Linux web-01 6.1.0',
                }),
              );
          }),
        [`POST /api/servers/${DB}/test`]: () =>
          json(200, {
            ok: false,
            latencyMs: 10_003,
            fingerprint: null,
            learned: false,
            errorCode: 'connect-timeout',
            error: 'no answer from db.internal:2222 within 10s',
          }),
      }),
    );
    const wrapper = await mountList();

    await rowOf(wrapper, 'web-01').get('[data-testid="server-test"]').trigger('click');
    await flushPromises();
    expect(rowOf(wrapper, 'web-01').get('[data-testid="server-test-result"]').text()).toContain('测试中');
    release?.();
    await vi.waitFor(async () => {
      await flushPromises();
      expect(rowOf(wrapper, 'web-01').get('[data-testid="server-test-result"]').text()).toContain('连接成功 · 87 ms');
    });
    expect(rowOf(wrapper, 'web-01').get('[data-testid="server-fingerprint"]').text()).toBe(PINNED);

    await rowOf(wrapper, 'db-01').get('[data-testid="server-test"]').trigger('click');
    await vi.waitFor(async () => {
      await flushPromises();
      const result = rowOf(wrapper, 'db-01').get('[data-testid="server-test-result"]').text();
      expect(result).toContain('连接失败');
      expect(result).toContain('[connect-timeout] no answer from db.internal:2222 within 10s');
    });
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(2);
  });

  it('keeps the last test after a reload and says what to check, with the whole error on hover', async () => {
    const refusedLogin = 'All configured authentication methods failed';
    stubFetch({
      ...routes(),
      'GET /api/servers': () =>
        json(
          200,
          page([
            server({
              lastTest: { at: '2026-11-23T09:00:00.000Z', ok: false, errorCode: 'connect-failed', error: refusedLogin },
            }),
            server({
              id: DB,
              name: 'db-01',
              lastTest: { at: '2026-11-23T09:00:00.000Z', ok: true, errorCode: null, error: null },
            }),
          ]),
        ),
      [`POST /api/servers/${DB}/test`]: () =>
        json(200, {
          ok: false,
          latencyMs: 3,
          fingerprint: null,
          learned: false,
          errorCode: 'connect-failed',
          error: 'connect ECONNREFUSED 10.0.0.21:22',
        }),
    });
    const wrapper = await mountList();
    const web = rowOf(wrapper, 'web-01').get('[data-testid="server-last-test"]');
    expect(web.text()).toContain('上次测试失败');
    expect(web.get('[data-testid="server-test-advice"]').text()).toBe(
      '登录被拒绝：请确认凭据“deploy-key”的公钥已加入服务器上用户 deploy 的 ~/.ssh/authorized_keys，且用户名正确。',
    );
    expect(web.get('.list__error').attributes('title')).toBe(`[connect-failed] ${refusedLogin}`);
    expect(rowOf(wrapper, 'db-01').get('[data-testid="server-last-test"]').text()).toContain('上次测试成功');

    // A new test replaces what the row showed.
    await rowOf(wrapper, 'db-01').get('[data-testid="server-test"]').trigger('click');
    await vi.waitFor(async () => {
      await flushPromises();
      expect(rowOf(wrapper, 'db-01').get('[data-testid="server-test-advice"]').text()).toContain(
        '请确认服务器上 sshd 正在运行，并监听端口 22',
      );
    });
    expect(rowOf(wrapper, 'db-01').find('[data-testid="server-last-test"]').exists()).toBe(false);
  });

  it('refuses an invalid host and an empty credential without calling the API, then registers the server', async () => {
    const created = server({ id: '00000000-0000-4000-8000-0000000000d9', name: 'web-02' });
    const calls = stubFetch(routes({ 'POST /api/servers': () => json(201, created) }));
    const wrapper = await mountList(`/servers?group=${GROUP}`);

    await wrapper.get('[data-testid="server-create"]').trigger('click');
    await settle();
    await wrapper.get('[data-testid="server-name"]').setValue('web-02');
    await wrapper.get('[data-testid="server-host"]').setValue('10.0.0.22; rm -rf /');
    await wrapper.get('[data-testid="server-username"]').setValue('deploy');
    await wrapper.get('[data-testid="server-save"]').trigger('click');
    await vi.waitFor(async () => {
      await flushPromises();
      const text = wrapper.get('[data-testid="server-dialog"]').text();
      expect(text).toContain('主机名只能包含');
      expect(text).toContain('请选择凭据');
    });
    expect(calls.some((c) => c.method === 'POST')).toBe(false);

    // The credential picker offers the group's SSH keys and the global ones only.
    const keyQueries = calls
      .filter((c) => c.url.startsWith('/api/credentials'))
      .map((c) => Object.fromEntries(new URL(c.url, 'http://localhost').searchParams));
    expect(keyQueries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ groupId: GROUP, kind: 'ssh_key' }),
        expect.objectContaining({ global: 'true', kind: 'ssh_key' }),
      ]),
    );

    await wrapper.get('[data-testid="server-host"]').setValue('10.0.0.22');
    await wrapper.get('[data-testid="server-credential"]').trigger('click');
    await settle();
    const option = [...document.querySelectorAll<HTMLElement>('.el-select-dropdown__item')].find((o) =>
      o.textContent?.includes('ops-global'),
    );
    option?.click();
    await settle();
    await wrapper.get('[data-testid="server-build-agent"]').trigger('click');
    await wrapper.get('[data-testid="server-sudo"]').trigger('click');
    await wrapper.get('[data-testid="server-save"]').trigger('click');
    await vi.waitFor(async () => {
      await flushPromises();
      expect(calls.some((c) => c.method === 'POST')).toBe(true);
    });
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({
      groupId: GROUP,
      name: 'web-02',
      host: '10.0.0.22',
      port: 22,
      username: 'deploy',
      credentialId: GLOBAL_KEY,
      labels: [],
      buildAgent: true,
      sudo: true,
    });
  });

  it('resets a pinned host key only after the administrator confirms the consequence', async () => {
    const calls = stubFetch(
      routes({
        [`POST /api/servers/${DB}/host-key/reset`]: () =>
          json(200, server({ id: DB, name: 'db-01', hostKeyFingerprint: null })),
      }),
    );
    const wrapper = await mountList();

    expect(rowOf(wrapper, 'web-01').find('[data-testid="server-reset-host-key"]').exists()).toBe(false);
    await rowOf(wrapper, 'db-01').get('[data-testid="server-reset-host-key"]').trigger('click');
    await vi.waitFor(() => messageBoxButton('cancel'));
    expect(document.body.textContent).toContain('下一次连接会信任服务器出示的任意主机密钥');
    messageBoxButton('cancel').click();
    await settle();
    expect(calls.some((c) => c.url.endsWith('/host-key/reset'))).toBe(false);

    await rowOf(wrapper, 'db-01').get('[data-testid="server-reset-host-key"]').trigger('click');
    await vi.waitFor(() => messageBoxButton('primary'));
    messageBoxButton('primary').click();
    await vi.waitFor(async () => {
      await flushPromises();
      expect(rowOf(wrapper, 'db-01').text()).toContain('尚未固定');
    });
    expect(calls.filter((c) => c.url.endsWith('/host-key/reset'))).toHaveLength(1);
  });

  it('deletes after confirmation and explains why a server in use cannot be deleted', async () => {
    const calls = stubFetch(
      routes({
        [`DELETE /api/servers/${WEB}`]: () =>
          json(409, {
            error: {
              code: 'CONFLICT',
              message: 'Server "web-01" is used by environment(s) prod; remove it there first',
            },
          }),
      }),
    );
    const wrapper = await mountList();

    await rowOf(wrapper, 'web-01').get('[data-testid="server-delete"]').trigger('click');
    await vi.waitFor(() => messageBoxButton('primary'));
    messageBoxButton('primary').click();
    await vi.waitFor(async () => {
      await flushPromises();
      expect(document.body.textContent).toContain('仍被环境使用');
    });
    expect(document.body.textContent).toContain('used by environment(s) prod');
    expect(calls.filter((c) => c.method === 'DELETE')).toHaveLength(1);
  });

  it('shows a group developer the servers but no create, test, edit, delete or reset', async () => {
    stubFetch(routes());
    const wrapper = await mountList();
    useAuthStore().user = {
      id: 'u2',
      username: 'dev',
      displayName: 'Dev',
      email: null,
      isAdmin: false,
      memberships: [{ groupId: GROUP, groupName: 'shop', role: 'developer' }],
    };
    await flushPromises();

    expect(rowOf(wrapper, 'web-01').text()).toContain('shop');
    for (const id of ['server-create', 'server-test', 'server-edit', 'server-delete', 'server-reset-host-key']) {
      expect(wrapper.find(`[data-testid="${id}"]`).exists()).toBe(false);
    }
  });
});
