import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../src/plugins/app/auth/authenticate.js';
import { buildTestApp, type TestApp, type TestUser } from './helpers/test-app.js';

describe('API tokens', () => {
  let t: TestApp;
  let admin: TestUser;
  beforeAll(async () => {
    t = await buildTestApp();
    admin = await t.createUser({ isAdmin: true });
  });
  afterAll(async () => t?.close());

  const create = async (user: TestUser, scope: string, name = 'tool') => {
    const response = await t.call(user.token, { method: 'POST', url: '/api/tokens', payload: { name, scope } });
    expect(response.statusCode).toBe(201);
    return response.json() as { token: string; apiToken: { id: string; prefix: string } };
  };

  it('is shown once, stored only as a hash, and never listed', async () => {
    const { token, apiToken } = await create(admin, 'read');
    expect(token).toMatch(/^rpt_[A-Za-z0-9_-]{40}$/);
    expect(token.startsWith(apiToken.prefix)).toBe(true);
    const row = await t.db.apiToken.findUniqueOrThrow({ where: { id: apiToken.id } });
    expect(row.tokenHash).toBe(hashToken(token));
    expect(JSON.stringify(row)).not.toContain(token);
    const list = await t.call(admin.token, { method: 'GET', url: '/api/tokens' });
    expect(list.body).not.toContain(token);
    expect(list.json().items.map((i: { id: string }) => i.id)).toContain(apiToken.id);
  });

  it('authenticates, records last use, and stops working when revoked', async () => {
    const { token, apiToken } = await create(admin, 'read');
    expect((await t.call(token, { method: 'GET', url: '/api/auth/me' })).json().username).toBe(admin.username);
    const used = await t.db.apiToken.findUniqueOrThrow({ where: { id: apiToken.id } });
    expect(used.lastUsedAt).not.toBeNull();
    expect((await t.call(admin.token, { method: 'DELETE', url: `/api/tokens/${apiToken.id}` })).statusCode).toBe(204);
    expect((await t.call(token, { method: 'GET', url: '/api/auth/me' })).statusCode).toBe(401);
    const audit = await t.db.auditLog.findFirst({ where: { action: 'token.revoke', resourceId: apiToken.id } });
    expect(audit).not.toBeNull();
  });

  it('scopes limit what a token may do on top of its user\'s rights', async () => {
    const read = (await create(admin, 'read')).token;
    const release = (await create(admin, 'release')).token;
    const full = (await create(admin, 'admin')).token;
    const newGroup = () => ({ method: 'POST' as const, url: '/api/groups', payload: { name: `g-${Math.random().toString(36).slice(2)}` } });
    expect((await t.call(read, { method: 'GET', url: '/api/users' })).statusCode).toBe(200);
    expect((await t.call(read, newGroup())).statusCode).toBe(403);
    expect((await t.call(release, newGroup())).statusCode).toBe(403);
    expect((await t.call(full, newGroup())).statusCode).toBe(201);
    // An admin-scoped token of a plain user is still a plain user.
    const plain = await t.createUser();
    const plainFull = (await create(plain, 'admin')).token;
    expect((await t.call(plainFull, { method: 'GET', url: '/api/users' })).statusCode).toBe(403);
  });

  it('cannot be used to manage sessions or passwords', async () => {
    const { token } = await create(admin, 'admin');
    expect((await t.call(token, { method: 'POST', url: '/api/auth/logout' })).statusCode).toBe(401);
    const change = await t.call(token, { method: 'POST', url: '/api/auth/password', payload: { currentPassword: admin.password, newPassword: 'whatever-123' } });
    expect(change.statusCode).toBe(401);
  });

  it('users cannot see or revoke other users\' tokens; administrators can', async () => {
    const alice = await t.createUser();
    const bob = await t.createUser();
    const { apiToken } = await create(alice, 'read');
    expect((await t.call(bob.token, { method: 'DELETE', url: `/api/tokens/${apiToken.id}` })).statusCode).toBe(404);
    expect((await t.call(bob.token, { method: 'GET', url: '/api/tokens?all=true' })).statusCode).toBe(403);
    const all = await t.call(admin.token, { method: 'GET', url: '/api/tokens?all=true&pageSize=200' });
    expect(all.json().items.map((i: { id: string }) => i.id)).toContain(apiToken.id);
    expect((await t.call(admin.token, { method: 'DELETE', url: `/api/tokens/${apiToken.id}` })).statusCode).toBe(204);
  });

  it('an expired token is refused', async () => {
    const { token, apiToken } = await create(admin, 'read');
    await t.db.apiToken.update({ where: { id: apiToken.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await t.call(token, { method: 'GET', url: '/api/auth/me' })).statusCode).toBe(401);
  });
});
