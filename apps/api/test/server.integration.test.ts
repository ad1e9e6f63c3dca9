import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from './helpers/test-database.js';
import { freePort, startServer } from './helpers/server-process.js';

const adminPasswordIn = (log: string) => /with password: (\S+)/.exec(log)?.[1];

async function login(baseUrl: string, password: string) {
  const response = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password }),
  });
  return { status: response.status, body: (await response.json()) as { token: string } };
}

describe('the product process', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it('migrates an empty external database, prints a one-time admin password, survives a restart, stops cleanly on SIGTERM', async () => {
    const database = await createTestDatabase();
    cleanups.push(() => database.drop());
    // createTestDatabase migrated it; start from a truly empty database instead so start-up has to migrate.
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    await client.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
    await client.end();

    const env = { DATABASE_URL: database.url, DATA_DIR: mkdtempSync(path.join(tmpdir(), 'rp-server-')), LOG_LEVEL: 'info' };
    const first = await startServer(env);
    cleanups.push(() => first.stop('SIGKILL'));
    const password = adminPasswordIn(first.output());
    expect(password).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect((await fetch(`${first.baseUrl}/readyz`)).status).toBe(200);
    const { status, body } = await login(first.baseUrl, password as string);
    expect(status).toBe(200);
    const created = await fetch(`${first.baseUrl}/api/groups`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${body.token}` },
      body: JSON.stringify({ name: 'survives-restart' }),
    });
    expect(created.status).toBe(201);
    expect(await first.stop('SIGTERM')).toBe(0);

    const second = await startServer(env);
    cleanups.push(() => second.stop('SIGKILL'));
    expect(adminPasswordIn(second.output())).toBeUndefined();
    const again = await login(second.baseUrl, password as string);
    expect(again.status).toBe(200);
    const groups = await fetch(`${second.baseUrl}/api/groups`, { headers: { authorization: `Bearer ${again.body.token}` } });
    expect(((await groups.json()) as { items: { name: string }[] }).items.map((g) => g.name)).toContain('survives-restart');
    // The session issued by the first process stays valid: the signing key is derived from the persisted master key.
    expect((await fetch(`${second.baseUrl}/api/auth/me`, { headers: { authorization: `Bearer ${body.token}` } })).status).toBe(200);
    // Read whole: a response still being written keeps its connection busy, and a graceful stop waits for it.
    const docs = await fetch(`${second.baseUrl}/docs/json`);
    expect(docs.status).toBe(200);
    expect(((await docs.json()) as { paths: Record<string, unknown> }).paths).toHaveProperty(['/api/releases']);
    expect(await second.stop('SIGTERM')).toBe(0);
  });

  it('uses ADMIN_PASSWORD when given', async () => {
    const database = await createTestDatabase();
    cleanups.push(() => database.drop());
    const server = await startServer({ DATABASE_URL: database.url, DATA_DIR: mkdtempSync(path.join(tmpdir(), 'rp-server-')), ADMIN_PASSWORD: 'Chosen-Chief-Pass-1' });
    cleanups.push(() => server.stop('SIGKILL'));
    expect(server.output()).not.toContain('Chosen-Chief-Pass-1');
    expect((await login(server.baseUrl, 'Chosen-Chief-Pass-1')).status).toBe(200);
    await server.stop();
  });

  it('refuses to start, naming the migration, when a migration fails', async () => {
    const database = await createTestDatabase();
    cleanups.push(() => database.drop());
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    // An empty schema with a clashing table: the first migration cannot create "users".
    await client.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public; CREATE TABLE users (x int);');
    await client.end();
    const server = await startServer({ DATABASE_URL: database.url, DATA_DIR: mkdtempSync(path.join(tmpdir(), 'rp-server-')) }, { expectFailure: true });
    expect(await server.exited).toBe(1);
    expect(server.output()).toMatch(/failed to start: Migration \S+ failed/);
    expect(server.output()).toContain('users');
  });

  it('with no DATABASE_URL runs on the embedded PostgreSQL under DATA_DIR and keeps data across restarts', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'rp-embedded-'));
    // As root the embedded server runs as "postgres", which must be able to enter the (0700) temp dir.
    chmodSync(dataDir, 0o755);
    const env = { DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(await freePort()) };
    const first = await startServer(env);
    cleanups.push(() => first.stop('SIGKILL'));
    const password = adminPasswordIn(first.output()) as string;
    expect((await login(first.baseUrl, password)).status).toBe(200);
    expect(await first.stop()).toBe(0);
    const second = await startServer(env);
    cleanups.push(() => second.stop('SIGKILL'));
    expect((await login(second.baseUrl, password)).status).toBe(200);
    expect(await second.stop()).toBe(0);
  });
});
