import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { enableAutoUnmount, flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { i18n, setLocale } from '@/locales';
import { router } from '@/router';
import { adminUser, json, stubFetch } from '@/test/fetch-stub';
import LoginView from './index.vue';

async function mountLogin(path = '/login') {
  const pinia = createPinia();
  setActivePinia(pinia);
  await router.replace(path);
  const wrapper = mount(LoginView, { global: { plugins: [pinia, i18n, router] }, attachTo: document.body });
  await flushPromises();
  return wrapper;
}

async function submitWith(wrapper: Awaited<ReturnType<typeof mountLogin>>, username: string, password: string) {
  await wrapper.get('[data-testid="login-username"]').setValue(username);
  await wrapper.get('[data-testid="login-password"]').setValue(password);
  await wrapper.get('form').trigger('submit');
}

/** Validation, the fetch and the lazy route chunks each settle on their own turns; poll for the outcome. */
function eventually(assertion: () => void): Promise<void> {
  return vi.waitFor(async () => {
    await flushPromises();
    assertion();
  }, { timeout: 10_000 });
}

beforeEach(() => {
  localStorage.clear();
  setLocale('zh-CN');
});

// Router guards resolve stores through the app the router was first installed in, so each test's app must go.
enableAutoUnmount(afterEach);

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('login view', () => {
  it('shows the product name', async () => {
    stubFetch({});
    const wrapper = await mountLogin();
    expect(wrapper.text()).toContain('发布平台 / Release Platform');
  });

  it('does not submit while username or password is empty', async () => {
    const calls = stubFetch({});
    const wrapper = await mountLogin();

    await wrapper.get('form').trigger('submit');
    await eventually(() => {
      expect(wrapper.text()).toContain('请输入用户名');
      expect(wrapper.text()).toContain('请输入密码');
    });

    await wrapper.get('[data-testid="login-username"]').setValue('   ');
    await wrapper.get('[data-testid="login-password"]').setValue('secret');
    await wrapper.get('form').trigger('submit');
    await eventually(() => expect(wrapper.text()).not.toContain('请输入密码'));
    expect(wrapper.text()).toContain('请输入用户名');
    expect(calls).toHaveLength(0);
  });

  it('shows the API error message on wrong credentials', async () => {
    stubFetch({
      'POST /api/auth/login': () =>
        json(401, { error: { code: 'UNAUTHORIZED', message: '用户名或密码错误 / Invalid username or password' } }),
    });
    const wrapper = await mountLogin();

    await submitWith(wrapper, 'admin', 'wrong');

    await eventually(() => expect(wrapper.get('[data-testid="login-error"]').text()).toBe('用户名或密码错误'));
    expect(router.currentRoute.value.name).toBe('login');

    // Switching the language re-says the same failure in the other one, still in one language only.
    setLocale('en');
    await flushPromises();
    expect(wrapper.get('[data-testid="login-error"]').text()).toBe('Invalid username or password');
  });

  it('keeps only the page language of any other two-language API message', async () => {
    stubFetch({
      'POST /api/auth/login': () => json(500, { error: { code: 'INTERNAL', message: '服务器内部错误 / Internal server error' } }),
    });
    setLocale('en');
    const wrapper = await mountLogin();

    await submitWith(wrapper, 'admin', 'secret');

    await eventually(() => expect(wrapper.get('[data-testid="login-error"]').text()).toBe('Internal server error'));
  });

  it('shows the rate-limit message on HTTP 429 and holds the button until the window ends', async () => {
    stubFetch({
      'POST /api/auth/login': () =>
        json(429, {
          error: {
            code: 'RATE_LIMITED',
            message: '登录尝试过于频繁，请 30 秒后再试 / Too many attempts, retry in 30 s',
            details: { retryAfterSeconds: 30 },
          },
        }),
    });
    const wrapper = await mountLogin();

    await submitWith(wrapper, 'admin', 'wrong');

    await eventually(() => expect(wrapper.get('[data-testid="login-error"]').text()).toBe('登录尝试过于频繁，请稍后再试'));
    const button = wrapper.get('[data-testid="login-submit"]');
    expect(button.attributes('disabled')).toBeDefined();
    expect(button.text()).toContain('30 秒后可重试');
  });

  it('says until when a locked account is locked, and that the directory is down, in the page language', async () => {
    const lockedUntil = '2026-12-02T03:15:00.000Z';
    let answer = json(423, { error: { code: 'ACCOUNT_LOCKED', message: 'Account locked until …', details: { lockedUntil } } });
    stubFetch({ 'POST /api/auth/login': () => answer });
    const wrapper = await mountLogin();

    await submitWith(wrapper, 'admin', 'wrong');
    await eventually(() => expect(wrapper.get('[data-testid="login-error"]').text()).toContain('账号已锁定至'));
    expect(wrapper.get('[data-testid="login-error"]').text()).toContain(new Date(lockedUntil).toLocaleString('zh-CN', { hour12: false }));

    answer = json(503, { error: { code: 'DIRECTORY_UNAVAILABLE', message: 'The directory (LDAP) is unavailable' } });
    await submitWith(wrapper, 'alice', 'whatever');
    await eventually(() => expect(wrapper.get('[data-testid="login-error"]').text()).toContain('目录服务 (LDAP) 暂不可用'));
  });

  it('logs in and returns to the redirect target', async () => {
    const calls = stubFetch({
      'POST /api/auth/login': () =>
        json(200, { token: 'tok-1', expiresAt: new Date(Date.now() + 3600_000).toISOString(), user: adminUser }),
    });
    const wrapper = await mountLogin('/login?redirect=/projects');

    await submitWith(wrapper, ' admin ', 'secret');

    await eventually(() => expect(router.currentRoute.value.fullPath).toBe('/projects'));
    expect(calls[0]?.body).toEqual({ username: 'admin', password: 'secret' });
    expect(wrapper.find('[data-testid="login-error"]').exists()).toBe(false);
  });

  it('ignores an off-site redirect target', async () => {
    stubFetch({
      'POST /api/auth/login': () =>
        json(200, { token: 'tok-1', expiresAt: new Date(Date.now() + 3600_000).toISOString(), user: adminUser }),
    });
    const wrapper = await mountLogin('/login?redirect=//evil.example/phish');

    await submitWith(wrapper, 'admin', 'secret');

    await eventually(() => expect(router.currentRoute.value.fullPath).toBe('/dashboard'));
  });
});
