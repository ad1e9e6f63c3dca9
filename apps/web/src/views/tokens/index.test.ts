import { describe, expect, it, vi } from 'vitest';
import { flushPromises } from '@vue/test-utils';
import type { ApiToken } from '@/api/tokens';
import { json, stubFetch } from '@/test/fetch-stub';
import { isolateViewTests, mountSignedIn } from '@/test/mount-view';
import TokensView from './index.vue';
import { page, requests, settle } from '@/test/ui';

const TOKEN = '00000000-0000-4000-8000-00000000070c';
const SECRET = 'rpt_abcdefghijklmnopqrstuvwxyz0123456789ABCD';

const token = (over: Partial<ApiToken> = {}): ApiToken => ({
  id: TOKEN,
  name: 'gitlab-ci',
  prefix: 'rpt_abcdef',
  scope: 'release',
  userId: 'u1',
  username: 'admin',
  expiresAt: null,
  lastUsedAt: null,
  revokedAt: null,
  createdAt: '2026-11-20T08:00:00.000Z',
  ...over,
});

isolateViewTests();

describe('API tokens view', () => {
  it('creates a token and shows the secret once, with a warning, until the dialog is closed', async () => {
    const calls = stubFetch({
      'GET /api/tokens': () => json(200, page([])),
      'POST /api/tokens': () => json(201, { token: SECRET, apiToken: token() }),
    });
    const wrapper = await mountSignedIn(TokensView, '/tokens');

    await wrapper.get('[data-testid="token-create"]').trigger('click');
    await settle();
    await wrapper.get('[data-testid="token-save"]').trigger('click');
    await vi.waitFor(async () => {
      await flushPromises();
      expect(wrapper.text()).toContain('请输入令牌名称');
    });
    expect(requests(calls, 'POST')).toHaveLength(0);

    await wrapper.get('[data-testid="token-name"]').setValue('gitlab-ci');
    await wrapper.get('[data-testid="token-scope"] input[value="release"]').setValue(true);
    await wrapper.get('[data-testid="token-save"]').trigger('click');
    await vi.waitFor(async () => {
      await flushPromises();
      expect(requests(calls, 'POST')).toHaveLength(1);
    });
    expect(requests(calls, 'POST')[0]?.body).toEqual({ name: 'gitlab-ci', scope: 'release', expiresInDays: 90 });

    await vi.waitFor(() => expect(wrapper.find('[data-testid="token-value"]').text()).toBe(SECRET));
    const reveal = wrapper.get('[data-testid="token-reveal"]');
    expect(reveal.text()).toContain('关闭后将无法再次查看');
    expect(reveal.find('[data-testid="copy-button"]').exists()).toBe(true);

    await wrapper.get('[data-testid="token-reveal-done"]').trigger('click');
    await settle();
    expect(wrapper.html()).not.toContain(SECRET);
  });

  it('sends no expiry for a token that never expires', async () => {
    const calls = stubFetch({
      'GET /api/tokens': () => json(200, page([])),
      'POST /api/tokens': () => json(201, { token: SECRET, apiToken: token({ scope: 'read' }) }),
    });
    const wrapper = await mountSignedIn(TokensView, '/tokens');

    await wrapper.get('[data-testid="token-create"]').trigger('click');
    await settle();
    await wrapper.get('[data-testid="token-name"]').setValue('grafana');
    wrapper.findAllComponents({ name: 'ElSelect' }).find((s) => s.attributes('data-testid') === 'token-expiry')?.vm.$emit('update:modelValue', 'never');
    await settle();
    expect(wrapper.text()).toContain('永不过期的令牌一旦泄露风险较大');
    await wrapper.get('[data-testid="token-save"]').trigger('click');
    await vi.waitFor(async () => {
      await flushPromises();
      expect(requests(calls, 'POST')).toHaveLength(1);
    });
    expect(requests(calls, 'POST')[0]?.body).toEqual({ name: 'grafana', scope: 'read' });
  });

  it('revokes a token only after confirmation and offers no revoke for a revoked one', async () => {
    const calls = stubFetch({
      'GET /api/tokens': () => json(200, page([token(), token({ id: 'x', name: 'old', revokedAt: '2026-11-21T00:00:00.000Z' })])),
      [`DELETE /api/tokens/${TOKEN}`]: () => new Response(null, { status: 204 }),
    });
    const wrapper = await mountSignedIn(TokensView, '/tokens');
    expect(wrapper.text()).toContain('已吊销');
    expect(wrapper.find('[data-testid="token-revoke-old"]').exists()).toBe(false);

    await wrapper.get('[data-testid="token-revoke-gitlab-ci"]').trigger('click');
    await vi.waitFor(() => expect(document.querySelector('.el-message-box')).not.toBeNull());
    document.querySelectorAll<HTMLButtonElement>('.el-message-box__btns .el-button')[0]?.click();
    await settle();
    expect(requests(calls, 'DELETE')).toHaveLength(0);

    await wrapper.get('[data-testid="token-revoke-gitlab-ci"]').trigger('click');
    await vi.waitFor(() => expect(document.querySelector('.el-message-box')).not.toBeNull());
    const buttons = document.querySelectorAll<HTMLButtonElement>('.el-message-box__btns .el-button');
    buttons[buttons.length - 1]?.click();
    await vi.waitFor(() => expect(requests(calls, 'DELETE')).toHaveLength(1));
  });

  it('lets an administrator list every user\'s tokens', async () => {
    const calls = stubFetch({ 'GET /api/tokens': () => json(200, page([token({ username: 'bob' })])) });
    const wrapper = await mountSignedIn(TokensView, '/tokens');

    await wrapper.get('[data-testid="token-show-all"] input').setValue(true);
    await settle();
    const last = calls.filter((c) => c.url.startsWith('/api/tokens')).at(-1);
    expect(new URL(last?.url ?? '', 'http://localhost').searchParams.get('all')).toBe('true');
    expect(wrapper.text()).toContain('bob');
  });
});
