import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp, type TestUser } from './helpers/test-app.js';

function pgDump(): string {
  const dirs = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a)) : [];
  const candidate = dirs.map((v) => `/usr/lib/postgresql/${v}/bin/pg_dump`).find((p) => existsSync(p));
  return candidate ?? 'pg_dump';
}

/** The base64 body of a PEM/OpenSSH key without its armour lines: what would leak if the key leaked in any form. */
const keyBody = (pem: string) =>
  pem
    .split('\n')
    .filter((line) => line && !line.startsWith('-----'))
    .join('');

describe('credentials and secret variables at rest and in responses', () => {
  let t: TestApp;
  let admin: TestUser;
  let owner: TestUser;
  let developer: TestUser;
  let groupId: string;
  const dir = mkdtempSync(path.join(tmpdir(), 'rp-secrets-'));
  const responses: LightMyRequestResponse[] = [];
  const secrets: string[] = [];

  const call = async (user: TestUser, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) => {
    const response = await t.call(user.token, { method, url, ...(payload ? { payload } : {}) });
    responses.push(response);
    return response;
  };

  beforeAll(async () => {
    t = await buildTestApp();
    admin = await t.createUser({ isAdmin: true });
    groupId = (await t.createGroup()).id;
    owner = await t.createUser({ groupId, role: 'owner' });
    developer = await t.createUser({ groupId, role: 'developer' });

    const file = path.join(dir, 'uploaded');
    execFileSync('ssh-keygen', ['-q', '-t', 'rsa', '-b', '2048', '-N', '', '-m', 'PEM', '-f', file]);
    const uploaded = readFileSync(file, 'utf8');
    const key = await call(owner, 'POST', '/api/credentials', { groupId, name: 'uploaded', kind: 'ssh_key', privateKey: uploaded });
    const generated = await call(owner, 'POST', '/api/credentials', { groupId, name: 'generated', kind: 'ssh_key', generate: true });
    const generatedKey = t.app.secrets.decrypt((await t.db.credential.findUniqueOrThrow({ where: { id: generated.json().id } })).secret);
    const token = await call(owner, 'POST', '/api/credentials', { groupId, name: 'gitlab', kind: 'git_token', username: 'ci', token: 'glpat-AtRestToken-0815' });
    await call(owner, 'PATCH', `/api/credentials/${token.json().id}`, { token: 'glpat-ReplacedToken-4711' });
    const global = await call(admin, 'POST', '/api/credentials', { name: 'global-token', kind: 'git_token', token: 'ghp_GlobalToken_1234' });
    secrets.push(keyBody(uploaded), keyBody(generatedKey), 'glpat-AtRestToken-0815', 'glpat-ReplacedToken-4711', 'ghp_GlobalToken_1234', 'Env-Secret-Value-9911');
    // Every key line on its own too: a partial leak (one line of a PEM) is still a leak.
    secrets.push(...uploaded.split('\n').filter((l) => l.length > 40 && !l.startsWith('-----')));

    const server = await call(owner, 'POST', '/api/servers', { groupId, name: 'web1', host: 'web1.example', username: 'deploy', credentialId: key.json().id });
    const project = await call(owner, 'POST', '/api/projects', {
      groupId,
      name: 'shop',
      gitUrl: 'https://gitlab.example.com/shop.git',
      gitCredentialId: token.json().id,
      preset: 'nodejs',
    });
    await call(owner, 'POST', `/api/projects/${project.json().id}/environments`, {
      name: 'prod',
      deployPath: '/srv/shop',
      serverIds: [server.json().id],
      variables: [
        { key: 'DB_PASSWORD', value: 'Env-Secret-Value-9911', secret: true },
        { key: 'PORT', value: '3000' },
      ],
    });
    expect(responses.every((r) => r.statusCode < 300)).toBe(true);
    expect(global.statusCode).toBe(201);
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await t?.close();
  });

  it('a pg_dump of the database holds no private key, token or secret variable in plain text', () => {
    const dump = execFileSync(pgDump(), ['--data-only', '--no-owner', t.database.url], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    expect(dump).toContain('web1.example');
    expect(dump).toContain('v1:');
    for (const secret of secrets) expect(dump).not.toContain(secret);
    expect(dump).not.toContain('PRIVATE KEY');
  });

  it('no API response, for any role, contains a private key, token or secret value', async () => {
    const projectId = (await t.db.project.findFirstOrThrow({ where: { groupId } })).id;
    const environmentId = (await t.db.environment.findFirstOrThrow({ where: { projectId } })).id;
    const credentialIds = (await t.db.credential.findMany({ where: { OR: [{ groupId }, { groupId: null }] } })).map((c) => c.id);
    const serverId = (await t.db.server.findFirstOrThrow({ where: { groupId } })).id;
    for (const user of [admin, owner, developer]) {
      await call(user, 'GET', '/api/credentials?pageSize=200');
      for (const id of credentialIds) await call(user, 'GET', `/api/credentials/${id}`);
      await call(user, 'GET', '/api/servers');
      await call(user, 'GET', `/api/servers/${serverId}`);
      await call(user, 'GET', '/api/projects');
      await call(user, 'GET', `/api/projects/${projectId}`);
      await call(user, 'GET', `/api/projects/${projectId}/environments`);
      await call(user, 'GET', `/api/environments/${environmentId}`);
    }
    await call(admin, 'GET', '/api/audit?pageSize=200');
    // Errors must not echo what they refuse: a bad key or an oversized token stays out of the message.
    await call(owner, 'PATCH', `/api/credentials/${credentialIds[0]}`, { privateKey: 'glpat-AtRestToken-0815 is not a key' });
    expect(responses.length).toBeGreaterThan(30);
    for (const response of responses) {
      for (const secret of secrets) expect(response.body).not.toContain(secret);
      expect(response.body).not.toContain('PRIVATE KEY');
      expect(response.body).not.toMatch(/"secret"\s*:\s*"v1:/);
    }
  });
});
