import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp, type TestUser } from './helpers/test-app.js';

describe('bad input gets a clear 400 and changes nothing', () => {
  let t: TestApp;
  let admin: TestUser;
  beforeAll(async () => {
    t = await buildTestApp();
    admin = await t.createUser({ isAdmin: true });
  });
  afterAll(async () => t?.close());

  const post = (url: string, payload: string | object, headers: Record<string, string> = {}) =>
    t.call(admin.token, { method: 'POST', url, payload, headers: { 'content-type': 'application/json', ...headers } });

  it('malformed JSON', async () => {
    const response = await post('/api/groups', '{"name": "x",');
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('INVALID_JSON');
  });

  it('wrong types name the field', async () => {
    const response = await post('/api/groups', { name: 42 });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({ code: 'VALIDATION', details: [{ location: 'body', field: 'name' }] });
  });

  it('unknown fields are rejected, not dropped', async () => {
    const response = await post('/api/users', { username: 'valid-name', password: 'password-123', isSuperuser: true });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.details[0]).toMatchObject({ field: 'isSuperuser', message: 'is not an allowed field' });
    expect(await t.db.user.findUnique({ where: { username: 'valid-name' } })).toBeNull();
  });

  it('missing fields are named', async () => {
    const response = await post('/api/users', { username: 'someone' });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.details[0]).toMatchObject({ field: 'password', message: 'is required' });
  });

  it('a 1 MB string is refused with the field named', async () => {
    const before = await t.db.group.count();
    const response = await post('/api/groups', { name: 'x'.repeat(1024 * 1024) });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.details[0].field).toBe('name');
    expect(await t.db.group.count()).toBe(before);
  });

  it('a body over the limit gets 413, not 500', async () => {
    const response = await post('/api/groups', { name: 'x'.repeat(5 * 1024 * 1024) });
    expect(response.statusCode).toBe(413);
    expect(response.json().error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it.each([
    ['pageSize=-1', 'pageSize'],
    ['pageSize=0', 'pageSize'],
    ['pageSize=100000', 'pageSize'],
    ['page=abc', 'page'],
    ['page=0', 'page'],
  ])('paging %s is refused', async (query, field) => {
    const response = await t.call(admin.token, { method: 'GET', url: `/api/users?${query}` });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.details[0]).toMatchObject({ location: 'querystring', field });
  });

  it('a malformed id in the path names the parameter', async () => {
    const response = await t.call(admin.token, { method: 'GET', url: '/api/users/not-a-uuid' });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.details[0]).toMatchObject({ location: 'params', field: 'id' });
  });

  it('unknown API routes answer a JSON 404', async () => {
    const response = await t.call(admin.token, { method: 'GET', url: '/api/nope' });
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('NOT_FOUND');
  });

  it('hostile payloads on every route never produce a 5xx', async () => {
    const hostile: unknown[] = [
      '{"a":',
      [],
      'null',
      { name: null, username: ['x'], password: { $gt: '' }, role: 'god', scope: 'root', page: -5 },
      { name: '\u0000\u202e', description: 'x'.repeat(600), displayName: '', email: 'not-an-email' },
    ];
    const failures: string[] = [];
    const sampleId = '00000000-0000-4000-8000-000000000000';
    for (const route of t.app.guardedRoutes) {
      // A fresh administrator per route: a hostile body on /logout still logs that caller out.
      const { token } = await t.createUser({ isAdmin: true });
      const url = route.url.replace(/:[A-Za-z]+/g, sampleId);
      for (const payload of hostile) {
        const response = await t.call(token, {
          method: route.method as 'POST',
          url: route.method === 'GET' ? `${url}?page=-1&pageSize=abc&q=${'%00'.repeat(10)}` : url,
          ...(route.method === 'GET' ? {} : { payload: typeof payload === 'string' ? payload : JSON.stringify(payload), headers: { 'content-type': 'application/json' } }),
        });
        if (response.statusCode >= 500) failures.push(`${route.method} ${route.url} ${JSON.stringify(payload).slice(0, 40)} → ${response.statusCode} ${response.body}`);
      }
    }
    expect(failures).toEqual([]);
  });
});
