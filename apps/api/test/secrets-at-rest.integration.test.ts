import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from './helpers/test-app.js';

function pgDump(): string {
  const dirs = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a)) : [];
  const candidate = dirs.map((v) => `/usr/lib/postgresql/${v}/bin/pg_dump`).find((p) => existsSync(p));
  return candidate ?? 'pg_dump';
}

describe('secrets at rest', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(async () => t?.close());

  it('a pg_dump of the database holds no plaintext password, session token or API token', async () => {
    const password = 'Very-Distinct-Password-4711';
    const admin = await t.createUser({ isAdmin: true, password });
    const created = await t.call(admin.token, { method: 'POST', url: '/api/tokens', payload: { name: 'ci', scope: 'admin' } });
    const apiToken = created.json().token as string;
    await t.call(admin.token, { method: 'POST', url: '/api/users', payload: { username: 'second', password: 'Second-Distinct-Pass-0815' } });
    await t.call(admin.token, { method: 'PATCH', url: `/api/users/${admin.id}`, payload: { displayName: 'x' } });
    const dump = execFileSync(pgDump(), ['--data-only', '--no-owner', t.database.url], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    expect(dump).toContain(admin.username);
    expect(dump).not.toContain(password);
    expect(dump).not.toContain('Second-Distinct-Pass-0815');
    expect(dump).not.toContain(apiToken);
    expect(dump).not.toContain(apiToken.slice(4));
    expect(dump).not.toContain(admin.token);
    expect(dump).not.toContain(admin.token.split('.')[2]);
  });
});
