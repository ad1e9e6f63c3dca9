import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildTestApp, type TestApp } from './helpers/test-app.js';

/**
 * The caller behind a session or API token is kept a few seconds (AUTH_CACHE_SECONDS), so a busy client does not cost
 * a database lookup per request; any change to someone's access must still take effect at once.
 */
describe('the principal cache', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(async () => t?.close());

  const me = (token: string) => t.call(token, { method: 'GET', url: '/api/auth/me' }).then((r) => r.statusCode);

  it('keeps a caller a few seconds, and drops them when another process announces a change', async () => {
    const user = await t.createUser();
    expect(await me(user.token)).toBe(200);
    // Revoked behind the platform's back: no service announced it, so the cached caller is still served.
    await t.db.session.updateMany({ where: { userId: user.id }, data: { revokedAt: new Date() } });
    expect(await me(user.token)).toBe(200);
    // What another API process's service sends on commit.
    await t.db.$executeRaw`SELECT pg_notify('access_changed', ${user.id})`;
    await vi.waitFor(async () => expect(await me(user.token)).toBe(401), { timeout: 3000, interval: 50 });
  });

  it('takes a change made through the API into account on the very next request', async () => {
    const admin = await t.createUser({ isAdmin: true });
    const group = await t.createGroup();
    await t.createUser({ groupId: group.id, role: 'owner' });
    const member = await t.createUser({ groupId: group.id, role: 'developer' });
    const groupRead = () => t.call(member.token, { method: 'GET', url: `/api/groups/${group.id}` }).then((r) => r.statusCode);
    expect(await groupRead()).toBe(200);

    const demoted = await t.call(admin.token, { method: 'DELETE', url: `/api/groups/${group.id}/members/${member.id}` });
    expect(demoted.statusCode, demoted.body).toBe(204);
    expect(await groupRead()).toBe(403);
    const readded = await t.call(admin.token, { method: 'PUT', url: `/api/groups/${group.id}/members/${member.id}`, payload: { role: 'viewer' } });
    expect(readded.statusCode, readded.body).toBe(200);
    expect(await groupRead()).toBe(200);

    const created = await t.call(member.token, { method: 'POST', url: '/api/tokens', payload: { name: 'ci', scope: 'read' } });
    expect(created.statusCode, created.body).toBe(201);
    const { token, apiToken } = created.json() as { token: string; apiToken: { id: string } };
    expect(await me(token)).toBe(200);
    expect((await t.call(member.token, { method: 'DELETE', url: `/api/tokens/${apiToken.id}` })).statusCode).toBe(204);
    expect(await me(token)).toBe(401);

    expect((await t.call(admin.token, { method: 'PATCH', url: `/api/users/${member.id}`, payload: { disabled: true } })).statusCode).toBe(200);
    expect(await me(member.token)).toBe(401);
  });

  it('is off with AUTH_CACHE_SECONDS=0', async () => {
    const uncached = await buildTestApp({ AUTH_CACHE_SECONDS: '0' });
    try {
      const user = await uncached.createUser();
      const call = () => uncached.call(user.token, { method: 'GET', url: '/api/auth/me' }).then((r) => r.statusCode);
      expect(await call()).toBe(200);
      await uncached.db.session.updateMany({ where: { userId: user.id }, data: { revokedAt: new Date() } });
      expect(await call()).toBe(401);
    } finally {
      await uncached.close();
    }
  });
});
