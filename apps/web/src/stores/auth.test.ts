import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { ApiError, configureHttp } from '@/api/http';
import { router } from '@/router';
import { httpSession } from '@/router/session';
import { adminUser, json, stubFetch } from '@/test/fetch-stub';
import { useAuthStore } from './auth';

const loginOk = () => json(200, { token: 'tok-1', expiresAt: new Date(Date.now() + 3600_000).toISOString(), user: adminUser });

beforeEach(() => {
  localStorage.clear();
  setActivePinia(createPinia());
  // As main.ts does at start-up: the client takes its token from this store and reports a 401 back to the session.
  configureHttp(httpSession);
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('auth store', () => {
  it('login posts the credentials and keeps the token across reloads', async () => {
    const calls = stubFetch({ 'POST /api/auth/login': loginOk });
    const auth = useAuthStore();

    await auth.login('admin', 'secret');

    expect(calls[0]?.url).toBe('/api/auth/login');
    expect(calls[0]?.body).toEqual({ username: 'admin', password: 'secret' });
    expect(calls[0]?.headers.get('Authorization')).toBeNull();
    expect(auth.token).toBe('tok-1');
    expect(auth.user?.username).toBe('admin');
    expect(localStorage.getItem('rp.token')).toBe('tok-1');

    // A new Pinia is what a page reload looks like to the store.
    setActivePinia(createPinia());
    expect(useAuthStore().token).toBe('tok-1');
  });

  it('drops a stored token that has already expired', () => {
    localStorage.setItem('rp.token', 'old');
    localStorage.setItem('rp.tokenExpiresAt', new Date(Date.now() - 1000).toISOString());
    expect(useAuthStore().token).toBeNull();
    expect(localStorage.getItem('rp.token')).toBeNull();
  });

  it('fetchMe sends the bearer token', async () => {
    const calls = stubFetch({ 'POST /api/auth/login': loginOk, 'GET /api/auth/me': () => json(200, adminUser) });
    const auth = useAuthStore();
    await auth.login('admin', 'secret');
    auth.user = null;

    await auth.fetchMe();

    expect(calls[1]?.headers.get('Authorization')).toBe('Bearer tok-1');
    expect(auth.user).toEqual(adminUser);
  });

  it('logout revokes the token server side and clears the session', async () => {
    const calls = stubFetch({
      'POST /api/auth/login': loginOk,
      'POST /api/auth/logout': () => new Response(null, { status: 204 }),
    });
    const auth = useAuthStore();
    await auth.login('admin', 'secret');

    await auth.logout();

    expect(calls[1]).toMatchObject({ url: '/api/auth/logout', method: 'POST' });
    expect(calls[1]?.headers.get('Authorization')).toBe('Bearer tok-1');
    expect(auth.token).toBeNull();
    expect(auth.user).toBeNull();
    expect(localStorage.getItem('rp.token')).toBeNull();
  });

  it('logout still clears the session when the API is unreachable', async () => {
    stubFetch({ 'POST /api/auth/login': loginOk });
    const auth = useAuthStore();
    await auth.login('admin', 'secret');

    await auth.logout();

    expect(auth.isLoggedIn).toBe(false);
    expect(localStorage.getItem('rp.token')).toBeNull();
  });

  it('a wrong password is an ApiError carrying the API message, not a session expiry', async () => {
    stubFetch({
      'POST /api/auth/login': () =>
        json(401, { error: { code: 'UNAUTHORIZED', message: '用户名或密码错误 / Invalid username or password' } }),
    });
    const auth = useAuthStore();

    const err = await auth.login('admin', 'nope').catch((e: unknown) => e);

    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 401, code: 'UNAUTHORIZED', message: '用户名或密码错误 / Invalid username or password' });
    expect(auth.isLoggedIn).toBe(false);
  });
});

describe('http client', () => {
  it('on 401 for an authenticated request clears the session and redirects to login with the current path', async () => {
    let sessionValid = true;
    stubFetch({
      'POST /api/auth/login': loginOk,
      'GET /api/auth/me': () =>
        sessionValid ? json(200, adminUser) : json(401, { error: { code: 'UNAUTHORIZED', message: 'Session expired' } }),
    });
    const auth = useAuthStore();
    await auth.login('admin', 'secret');
    await router.push('/servers?page=2');
    expect(router.currentRoute.value.fullPath).toBe('/servers?page=2');

    sessionValid = false;
    const err = await auth.fetchMe().catch((e: unknown) => e);

    expect(err).toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
    expect(auth.token).toBeNull();
    expect(localStorage.getItem('rp.token')).toBeNull();
    expect(router.currentRoute.value.name).toBe('login');
    expect(router.currentRoute.value.query.redirect).toBe('/servers?page=2');
  });

  it('parses 429 details and falls back to a readable error for non-JSON bodies', async () => {
    stubFetch({
      'POST /api/auth/login': () =>
        json(429, { error: { code: 'RATE_LIMITED', message: 'Too many attempts', details: { retryAfterSeconds: 42 } } }),
      'GET /api/auth/me': () => new Response('<html>Bad Gateway</html>', { status: 502 }),
    });
    const auth = useAuthStore();

    const limited = await auth.login('admin', 'x').catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(ApiError);
    expect((limited as ApiError).retryAfterSeconds).toBe(42);

    const badGateway = await auth.fetchMe().catch((e: unknown) => e);
    expect(badGateway).toMatchObject({ status: 502, code: 'HTTP_ERROR' });
    expect((badGateway as ApiError).message).toContain('502');
  });
});

describe('router guard', () => {
  it('sends a logged-out visitor to login with the requested path', async () => {
    stubFetch({});
    await router.push('/projects');
    expect(router.currentRoute.value.name).toBe('login');
    expect(router.currentRoute.value.query.redirect).toBe('/projects');
  });
});
