import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from './helpers/test-app.js';

describe('login, sessions and passwords', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(async () => t?.close());

  it('logs in, returns an expiring JWT and the user, and records the login with its origin', async () => {
    const user = await t.createUser();
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: user.username, password: user.password },
      headers: { 'user-agent': 'vitest-agent' },
    });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.user).toMatchObject({ id: user.id, username: user.username, isAdmin: false });
    expect(body.user).not.toHaveProperty('passwordHash');
    const expiresIn = new Date(body.expiresAt).getTime() - Date.now();
    expect(expiresIn).toBeGreaterThan(11 * 3600_000);
    expect(expiresIn).toBeLessThanOrEqual(12 * 3600_000);
    const me = await t.call(body.token, { method: 'GET', url: '/api/auth/me' });
    expect(me.json()).toMatchObject({ username: user.username });
    const audit = await t.db.auditLog.findFirst({ where: { actorId: user.id, action: 'auth.login', success: true }, orderBy: { id: 'desc' } });
    expect(audit).toMatchObject({ ip: '127.0.0.1', userAgent: 'vitest-agent', actorName: user.username });
  });

  it('rejects a wrong password and an unknown user the same way, and audits both failures', async () => {
    const user = await t.createUser();
    const wrong = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: user.username, password: 'nope' } });
    const unknown = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'ghost-user', password: 'nope' } });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json().error.message).toBe(unknown.json().error.message);
    expect(wrong.json().error.code).toBe('UNAUTHORIZED');
    const failures = await t.db.auditLog.findMany({ where: { action: 'auth.login', success: false, actorName: { in: [user.username, 'ghost-user'] } } });
    expect(failures.map((f) => f.actorName).sort()).toEqual(['ghost-user', user.username].sort());
  });

  it('refuses disabled users', async () => {
    const user = await t.createUser({ disabled: true });
    const response = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: user.username, password: user.password } });
    expect(response.statusCode).toBe(401);
  });

  it('logout revokes the token server side', async () => {
    const user = await t.createUser();
    expect((await t.call(user.token, { method: 'POST', url: '/api/auth/logout' })).statusCode).toBe(204);
    const after = await t.call(user.token, { method: 'GET', url: '/api/auth/me' });
    expect(after.statusCode).toBe(401);
    expect(after.json().error.code).toBe('UNAUTHORIZED');
  });

  it('refresh issues a new token and retires the old one', async () => {
    const user = await t.createUser();
    const refreshed = await t.call(user.token, { method: 'POST', url: '/api/auth/refresh' });
    expect(refreshed.statusCode).toBe(200);
    const { token } = refreshed.json();
    expect((await t.call(token, { method: 'GET', url: '/api/auth/me' })).statusCode).toBe(200);
    expect((await t.call(user.token, { method: 'GET', url: '/api/auth/me' })).statusCode).toBe(401);
  });

  it('an expired JWT is refused', async () => {
    const user = await t.createUser();
    const session = await t.db.session.create({ data: { userId: user.id, expiresAt: new Date(Date.now() + 60_000) } });
    const token = t.app.sessions.sign({ sid: session.id }, user.id, 1);
    expect((await t.call(token, { method: 'GET', url: '/api/auth/me' })).statusCode).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    expect((await t.call(token, { method: 'GET', url: '/api/auth/me' })).statusCode).toBe(401);
  });

  it('a forged or garbage token is refused', async () => {
    const forged = 'eyJhbGciOiJIUzI1NiJ9.eyJzaWQiOiJ4Iiwic3ViIjoieSJ9.c2lnbmF0dXJl';
    expect((await t.call(forged, { method: 'GET', url: '/api/auth/me' })).statusCode).toBe(401);
    const malformed = await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { authorization: 'Basic abc' } });
    expect(malformed.statusCode).toBe(401);
  });

  it('changing the password ends every session of the user and the new password works', async () => {
    const user = await t.createUser();
    const second = await t.login(user.username, user.password);
    const bad = await t.call(user.token, { method: 'POST', url: '/api/auth/password', payload: { currentPassword: 'wrong', newPassword: 'brand-new-pass' } });
    expect(bad.statusCode).toBe(401);
    const ok = await t.call(user.token, { method: 'POST', url: '/api/auth/password', payload: { currentPassword: user.password, newPassword: 'brand-new-pass' } });
    expect(ok.statusCode).toBe(204);
    expect((await t.call(second, { method: 'GET', url: '/api/auth/me' })).statusCode).toBe(401);
    await expect(t.login(user.username, user.password)).rejects.toThrow();
    expect(await t.login(user.username, 'brand-new-pass')).toBeTruthy();
  });
});

describe('login rate limit', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '3' });
  });
  afterAll(async () => t?.close());

  it('answers 429 with the retry delay after too many attempts', async () => {
    const statuses: number[] = [];
    let last;
    for (let i = 0; i < 4; i++) {
      last = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'someone', password: 'guess' } });
      statuses.push(last.statusCode);
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
    expect(last?.json().error.code).toBe('RATE_LIMITED');
    expect(last?.json().error.details.retryAfterSeconds).toBeGreaterThan(0);
  });
});
