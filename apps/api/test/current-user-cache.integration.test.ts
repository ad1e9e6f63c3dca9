import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildTestApp, type TestApp, type TestUser } from './helpers/test-app.js';

/**
 * `/api/auth/me` is kept up to READ_CACHE_MS per user; a change to the user's access (in this process, or announced by
 * another) and any write request in this process drop it at once.
 */
describe('the /api/auth/me read cache', () => {
  let t: TestApp;
  let admin: TestUser;
  beforeAll(async () => {
    t = await buildTestApp();
    admin = await t.createUser({ isAdmin: true });
  });
  afterAll(async () => t?.close());

  const me = async (user: TestUser) => {
    const response = await t.call(user.token, { method: 'GET', url: '/api/auth/me' });
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as { displayName: string; memberships: { groupName: string; role: string }[] };
  };

  it('answers at once with an account just changed through the API', async () => {
    const user = await t.createUser();
    const group = await t.createGroup();
    expect(await me(user)).toMatchObject({ displayName: user.username, memberships: [] });
    const renamed = await t.call(admin.token, { method: 'PATCH', url: `/api/users/${user.id}`, payload: { displayName: 'Someone Else' } });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect((await me(user)).displayName).toBe('Someone Else');
    const added = await t.call(admin.token, { method: 'PUT', url: `/api/groups/${group.id}/members/${user.id}`, payload: { role: 'viewer' } });
    expect(added.statusCode, added.body).toBe(200);
    expect((await me(user)).memberships).toEqual([{ groupId: group.id, groupName: group.name, role: 'viewer' }]);
  });

  it('keeps an answer a moment, and drops it when another process announces a change to the user', async () => {
    const user = await t.createUser();
    expect((await me(user)).displayName).toBe(user.username);
    await t.db.user.update({ where: { id: user.id }, data: { displayName: 'Changed Elsewhere' } });
    expect((await me(user)).displayName).toBe(user.username);
    await t.db.$executeRaw`SELECT pg_notify('access_changed', ${user.id})`;
    await vi.waitFor(async () => expect((await me(user)).displayName).toBe('Changed Elsewhere'), { timeout: 800, interval: 20 });
  });
});
