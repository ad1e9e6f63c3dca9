import { describe, expect, it, vi } from 'vitest';
import { flushPromises } from '@vue/test-utils';
import type { Credential } from '@/api/credentials';
import { useAuthStore } from '@/stores/auth';
import { json, stubFetch, type RecordedRequest } from '@/test/fetch-stub';
import { isolateViewTests, mountSignedIn } from '@/test/mount-view';
import CredentialsView from './index.vue';
import { lastQuery, messageBoxButton, page, rowOf, settle } from '@/test/ui';

const GROUP = '00000000-0000-4000-8000-0000000000a1';
const OTHER = '00000000-0000-4000-8000-0000000000b2';
const KEY_ID = '00000000-0000-4000-8000-0000000000c1';
const TOKEN_ID = '00000000-0000-4000-8000-0000000000c2';

const PUBLIC_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBx6 release-platform:deploy';
const FINGERPRINT = 'SHA256:2Lw6pR1m6bXyq3y8dCkq1wq2Yb1k8zA9Y5w1nR3kq0c';

const credential = (over: Partial<Credential> = {}): Credential => ({
  id: KEY_ID,
  groupId: GROUP,
  name: 'deploy-key',
  description: '',
  kind: 'ssh_key',
  username: null,
  publicKey: PUBLIC_KEY,
  fingerprint: FINGERPRINT,
  boundHost: null,
  createdAt: '2026-11-23T10:00:00.000Z',
  updatedAt: '2026-11-23T10:00:00.000Z',
  ...over,
});

function routes(extra: Record<string, (req: RecordedRequest) => Response> = {}) {
  return {
    'GET /api/credentials': () =>
      json(200, page([credential(), credential({ id: TOKEN_ID, groupId: null, name: 'gitlab', kind: 'git_token', username: 'oauth2', publicKey: null, fingerprint: null })])),
    'GET /api/groups': () => json(200, page([{ id: GROUP, name: 'shop' }, { id: OTHER, name: 'pay' }])),
    ...extra,
  };
}

const mountList = (path = '/credentials') => mountSignedIn(CredentialsView, path);

isolateViewTests();

describe('credentials view', () => {
  it('lists credentials with kind, group and fingerprint and sends search, group and kind filters', async () => {
    const calls = stubFetch(routes());
    const wrapper = await mountList(`/credentials?group=${GROUP}&kind=ssh_key`);

    expect(lastQuery(calls, '/api/credentials')).toEqual({ groupId: GROUP, kind: 'ssh_key', page: '1', pageSize: '20' });
    expect(rowOf(wrapper, 'deploy-key').text()).toContain('SSH 密钥');
    expect(rowOf(wrapper, 'deploy-key').text()).toContain('shop');
    expect(rowOf(wrapper, 'deploy-key').text()).toContain(FINGERPRINT);
    expect(rowOf(wrapper, 'gitlab').text()).toContain('全局');
    expect(rowOf(wrapper, 'gitlab').text()).toContain('Git 令牌');

    const search = wrapper.get('[data-testid="credential-search"]');
    await search.setValue('deploy');
    await search.trigger('change');
    await settle();
    expect(lastQuery(calls, '/api/credentials')).toMatchObject({ q: 'deploy', groupId: GROUP });
  });

  it('asks for global credentials with global=true', async () => {
    const calls = stubFetch(routes());
    await mountList('/credentials?group=global');
    const url = new URL(calls.find((c) => c.url.startsWith('/api/credentials'))?.url ?? '', 'http://localhost');
    expect(url.searchParams.get('global')).toBe('true');
    expect(url.searchParams.has('groupId')).toBe(false);
  });

  it('refuses to create without a name and never calls the API', async () => {
    const calls = stubFetch(routes());
    const wrapper = await mountList();

    await wrapper.get('[data-testid="credential-create"]').trigger('click');
    await settle();
    await wrapper.get('[data-testid="credential-save"]').trigger('click');
    await vi.waitFor(async () => {
      await flushPromises();
      expect(wrapper.get('[data-testid="credential-dialog"]').text()).toContain('请输入名称');
    });
    expect(calls.some((c) => c.method === 'POST')).toBe(false);
  });

  it('generates an SSH key and then shows only its public key and fingerprint', async () => {
    const created = credential({ id: '00000000-0000-4000-8000-0000000000c9', name: 'web-prod' });
    const calls = stubFetch(routes({ 'POST /api/credentials': () => json(201, created) }));
    const wrapper = await mountList(`/credentials?group=${GROUP}`);

    await wrapper.get('[data-testid="credential-create"]').trigger('click');
    await settle();
    await wrapper.get('[data-testid="credential-name"]').setValue('web-prod');
    await wrapper.get('[data-testid="credential-save"]').trigger('click');

    await vi.waitFor(async () => {
      await flushPromises();
      expect(calls.some((c) => c.method === 'POST')).toBe(true);
    });
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ groupId: GROUP, name: 'web-prod', kind: 'ssh_key', generate: true });

    await vi.waitFor(async () => {
      await flushPromises();
      expect(wrapper.find('[data-testid="credential-public-key"]').exists()).toBe(true);
    });
    const details = wrapper.get('[data-testid="credential-details"]');
    expect(details.get('[data-testid="credential-public-key"]').text()).toBe(PUBLIC_KEY);
    expect(details.get('[data-testid="credential-fingerprint"]').text()).toBe(FINGERPRINT);
    expect(details.text()).toContain('authorized_keys');
    expect(details.text()).not.toMatch(/PRIVATE KEY/);
  });

  it('reads an uploaded private key file locally and refuses a public key', async () => {
    const calls = stubFetch(routes({ 'POST /api/credentials': () => json(201, credential()) }));
    const wrapper = await mountList(`/credentials?group=${GROUP}`);

    await wrapper.get('[data-testid="credential-create"]').trigger('click');
    await settle();
    await wrapper.get('[data-testid="credential-name"]').setValue('uploaded');
    await wrapper.get('[data-testid="credential-source"] input[value="upload"]').setValue(true);
    await settle();

    await wrapper.get('[data-testid="credential-private-key"]').setValue(PUBLIC_KEY);
    await wrapper.get('[data-testid="credential-save"]').trigger('click');
    await vi.waitFor(async () => {
      await flushPromises();
      expect(wrapper.get('[data-testid="credential-dialog"]').text()).toContain('这不是私钥');
    });
    expect(calls.some((c) => c.method === 'POST')).toBe(false);

    const key = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n';
    const input = wrapper.get<HTMLInputElement>('[data-testid="credential-key-file"]');
    Object.defineProperty(input.element, 'files', { value: [new File([key], 'id_ed25519')], configurable: true });
    await input.trigger('change');
    await vi.waitFor(async () => {
      await flushPromises();
      expect(wrapper.get<HTMLTextAreaElement>('[data-testid="credential-private-key"]').element.value).toBe(key);
    });

    await wrapper.get('[data-testid="credential-save"]').trigger('click');
    await vi.waitFor(async () => {
      await flushPromises();
      expect(calls.some((c) => c.method === 'POST')).toBe(true);
    });
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ groupId: GROUP, name: 'uploaded', kind: 'ssh_key', privateKey: key });
  });

  it('stores a Git token with its username', async () => {
    const calls = stubFetch(routes({ 'POST /api/credentials': () => json(201, credential({ kind: 'git_token', publicKey: null, fingerprint: null })) }));
    const wrapper = await mountList(`/credentials?group=${GROUP}`);

    await wrapper.get('[data-testid="credential-create"]').trigger('click');
    await settle();
    await wrapper.get('[data-testid="credential-name"]').setValue('gitlab-ci');
    await wrapper.get('[data-testid="credential-kind"] input[value="git_token"]').setValue(true);
    await settle();
    await wrapper.get('[data-testid="credential-username"]').setValue('oauth2');
    await wrapper.get('[data-testid="credential-token"]').setValue(' glpat-secret ');
    await wrapper.get('[data-testid="credential-save"]').trigger('click');

    await vi.waitFor(async () => {
      await flushPromises();
      expect(calls.some((c) => c.method === 'POST')).toBe(true);
    });
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ groupId: GROUP, name: 'gitlab-ci', kind: 'git_token', username: 'oauth2', token: 'glpat-secret' });
    expect(wrapper.find('[data-testid="credential-public-key"]').exists()).toBe(false);
  });

  it('edits a Git token credential without resending the token unless a new one is typed', async () => {
    const calls = stubFetch(routes({ [`PATCH /api/credentials/${TOKEN_ID}`]: () => json(200, credential({ id: TOKEN_ID, kind: 'git_token' })) }));
    const wrapper = await mountList();

    await rowOf(wrapper, 'gitlab').get('[data-testid="credential-edit"]').trigger('click');
    await settle();
    expect(wrapper.get<HTMLInputElement>('[data-testid="credential-username"]').element.value).toBe('oauth2');
    expect(wrapper.get<HTMLInputElement>('[data-testid="credential-token"]').element.value).toBe('');
    await wrapper.get('[data-testid="credential-name"]').setValue('gitlab-main');
    await wrapper.get('[data-testid="credential-save"]').trigger('click');
    await vi.waitFor(async () => {
      await flushPromises();
      expect(calls.some((c) => c.method === 'PATCH')).toBe(true);
    });
    expect(calls.find((c) => c.method === 'PATCH')?.body).toEqual({ name: 'gitlab-main', description: '', username: 'oauth2' });
  });

  it('deletes only after confirmation and explains a credential still in use', async () => {
    let status = 204;
    const calls = stubFetch(
      routes({
        [`DELETE /api/credentials/${KEY_ID}`]: () =>
          status === 204 ? new Response(null, { status: 204 }) : json(409, { error: { code: 'CONFLICT', message: 'Credential "deploy-key" is used by 2 server(s) and 0 project(s)' } }),
      }),
    );
    const wrapper = await mountList();

    await rowOf(wrapper, 'deploy-key').get('[data-testid="credential-delete"]').trigger('click');
    await vi.waitFor(() => messageBoxButton('cancel'));
    messageBoxButton('cancel').click();
    await settle();
    expect(calls.some((c) => c.method === 'DELETE')).toBe(false);

    status = 409;
    await rowOf(wrapper, 'deploy-key').get('[data-testid="credential-delete"]').trigger('click');
    await vi.waitFor(() => messageBoxButton('primary'));
    messageBoxButton('primary').click();
    await vi.waitFor(async () => {
      await flushPromises();
      expect(document.body.textContent).toContain('仍被服务器或项目使用');
    });
    expect(document.body.textContent).toContain('is used by 2 server(s)');
    expect(calls.filter((c) => c.method === 'DELETE')).toHaveLength(1);
  });

  it('hides create, edit and delete from a group viewer', async () => {
    stubFetch(routes());
    const wrapper = await mountList();
    const auth = useAuthStore();
    auth.user = { id: 'u2', username: 'dev', displayName: 'Dev', email: null, isAdmin: false, memberships: [{ groupId: GROUP, groupName: 'shop', role: 'viewer' }] };
    await flushPromises();

    expect(wrapper.find('[data-testid="credential-create"]').exists()).toBe(false);
    expect(wrapper.find('[data-testid="credential-edit"]').exists()).toBe(false);
    expect(wrapper.find('[data-testid="credential-delete"]').exists()).toBe(false);
    expect(rowOf(wrapper, 'deploy-key').find('[data-testid="credential-view"]').exists()).toBe(true);
  });

  it('lets a group owner manage its credentials but not the global ones', async () => {
    stubFetch(routes());
    const wrapper = await mountList();
    useAuthStore().user = { id: 'u3', username: 'owner', displayName: 'Owner', email: null, isAdmin: false, memberships: [{ groupId: GROUP, groupName: 'shop', role: 'owner' }] };
    await flushPromises();

    expect(wrapper.find('[data-testid="credential-create"]').exists()).toBe(true);
    expect(rowOf(wrapper, 'deploy-key').find('[data-testid="credential-delete"]').exists()).toBe(true);
    expect(rowOf(wrapper, 'gitlab').find('[data-testid="credential-delete"]').exists()).toBe(false);
  });
});
