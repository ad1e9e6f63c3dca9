import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ssh2 from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp, type TestUser } from './helpers/test-app.js';

describe('credentials', () => {
  let t: TestApp;
  let admin: TestUser;
  let owner: TestUser;
  let developer: TestUser;
  let groupId: string;
  const dir = mkdtempSync(path.join(tmpdir(), 'rp-cred-test-'));

  beforeAll(async () => {
    t = await buildTestApp();
    admin = await t.createUser({ isAdmin: true });
    groupId = (await t.createGroup()).id;
    owner = await t.createUser({ groupId, role: 'owner' });
    developer = await t.createUser({ groupId, role: 'developer' });
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await t?.close();
  });

  const post = (user: TestUser, payload: object) => t.call(user.token, { method: 'POST', url: '/api/credentials', payload });

  it('stores an uploaded key encrypted and shows only its public key and fingerprint', async () => {
    const file = path.join(dir, 'upload');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'ops@example', '-f', file]);
    const privateKey = readFileSync(file, 'utf8');
    const response = await post(owner, { groupId, name: 'prod deploy', kind: 'ssh_key', privateKey });
    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(body).toMatchObject({ groupId, name: 'prod deploy', kind: 'ssh_key', username: null });
    expect(body.publicKey.split(' ').slice(0, 2)).toEqual(readFileSync(`${file}.pub`, 'utf8').split(' ').slice(0, 2));
    expect(execFileSync('ssh-keygen', ['-lf', `${file}.pub`], { encoding: 'utf8' })).toContain(body.fingerprint);
    expect(Object.keys(body)).not.toContain('secret');
    expect(response.body).not.toContain('PRIVATE KEY');

    const row = await t.db.credential.findUniqueOrThrow({ where: { id: body.id } });
    expect(row.secret).toMatch(/^v1:/);
    expect(row.secret).not.toContain('PRIVATE');
    expect(t.app.secrets.decrypt(row.secret)).toBe(privateKey);
  });

  it('generates an ed25519 key whose private half ssh2 can use and the API never shows', async () => {
    const response = await post(owner, { groupId, name: 'generated', kind: 'ssh_key', generate: true });
    expect(response.statusCode).toBe(201);
    const { id, publicKey, fingerprint } = response.json();
    expect(publicKey).toMatch(/^ssh-ed25519 \S+ release-platform:generated$/);
    const row = await t.db.credential.findUniqueOrThrow({ where: { id } });
    const parsed = ssh2.utils.parseKey(t.app.secrets.decrypt(row.secret));
    if (parsed instanceof Error || Array.isArray(parsed)) throw new Error('stored key does not parse');
    expect(parsed.getPublicSSH().toString('base64')).toBe(publicKey.split(' ')[1]);
    expect(fingerprint).toMatch(/^SHA256:/);
    for (const url of [`/api/credentials/${id}`, '/api/credentials?pageSize=200']) {
      expect((await t.call(owner.token, { method: 'GET', url })).body).not.toContain('PRIVATE KEY');
    }
  });

  it('validates: one of key or generate, kind-specific fields, unparsable and protected keys', async () => {
    const bad = async (payload: object) => (await post(owner, { groupId, name: `x-${Math.random()}`, ...payload })).json().error.message as string;
    expect(await bad({ kind: 'ssh_key' })).toMatch(/privateKey: upload a private key or set generate/);
    expect(await bad({ kind: 'ssh_key', generate: true, privateKey: 'x' })).toMatch(/one of them/);
    expect(await bad({ kind: 'ssh_key', generate: true, token: 'x' })).toMatch(/only git_token/);
    expect(await bad({ kind: 'git_token' })).toMatch(/token: is required/);
    expect(await bad({ kind: 'ssh_key', generate: true, boundHost: 'gitlab.example.com' })).toMatch(/only git_token credentials are bound/);
    expect(await bad({ kind: 'git_token', token: 'x', boundHost: 'https://gitlab.example.com' })).toMatch(/body.boundHost/);
    expect(await bad({ kind: 'git_token', token: 'a\nb' })).toMatch(/body.token/);
    const leaked = await bad({ kind: 'ssh_key', privateKey: 'SECRET-MATERIAL-THAT-IS-NO-KEY' });
    expect(leaked).toMatch(/not a private key/);
    expect(leaked).not.toContain('SECRET-MATERIAL');
    const file = path.join(dir, 'protected');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'pass phrase', '-f', file]);
    expect(await bad({ kind: 'ssh_key', privateKey: readFileSync(file, 'utf8') })).toMatch(/passphrase/);
  });

  it('keeps names unique per group and among global credentials', async () => {
    expect((await post(owner, { groupId, name: 'dup', kind: 'git_token', token: 'a' })).statusCode).toBe(201);
    expect((await post(owner, { groupId, name: 'dup', kind: 'git_token', token: 'b' })).statusCode).toBe(409);
    expect((await post(admin, { name: 'global-dup', kind: 'git_token', token: 'a' })).statusCode).toBe(201);
    expect((await post(admin, { groupId: null, name: 'global-dup', kind: 'git_token', token: 'b' })).statusCode).toBe(409);
  });

  it('replaces a token without showing it, audits which fields changed but no secret value', async () => {
    const created = await post(owner, { groupId, name: 'gitlab', kind: 'git_token', username: 'ci-bot', token: 'glpat-first-1111' });
    const id = created.json().id;
    expect(created.json().username).toBe('ci-bot');
    const updated = await t.call(owner.token, { method: 'PATCH', url: `/api/credentials/${id}`, payload: { token: 'glpat-second-2222', username: null } });
    expect(updated.statusCode).toBe(200);
    expect(updated.json().username).toBeNull();
    expect(updated.body).not.toContain('glpat');
    const row = await t.db.credential.findUniqueOrThrow({ where: { id } });
    expect(t.app.secrets.decrypt(row.secret)).toBe('glpat-second-2222');
    const trail = await t.call(admin.token, { method: 'GET', url: `/api/audit?resourceType=credential&resourceId=${id}` });
    expect(trail.json().items.map((i: { action: string }) => i.action)).toEqual(['credential.update', 'credential.create']);
    expect(trail.json().items[0].details.changes).toEqual({ token: { from: '***', to: '***', secret: true }, username: { from: 'ci-bot', to: null } });
    expect(trail.body).not.toContain('glpat');
    expect((await t.call(owner.token, { method: 'PATCH', url: `/api/credentials/${id}`, payload: { privateKey: 'x' } })).statusCode).toBe(400);
  });

  it("shows members their group's and the global credentials, searchable by name; others see only global ones", async () => {
    const mine = await t.call(developer.token, { method: 'GET', url: '/api/credentials?pageSize=200' });
    const names = mine.json().items.map((i: { name: string }) => i.name);
    expect(names).toEqual(expect.arrayContaining(['prod deploy', 'generated', 'global-dup']));
    const searched = await t.call(developer.token, { method: 'GET', url: '/api/credentials?q=PROD' });
    expect(searched.json().items.map((i: { name: string }) => i.name)).toEqual(['prod deploy']);
    const onlyGlobal = await t.call(developer.token, { method: 'GET', url: '/api/credentials?global=true' });
    expect(onlyGlobal.json().items.every((i: { groupId: string | null }) => i.groupId === null)).toBe(true);
    const outsider = await t.createUser();
    const theirs = await t.call(outsider.token, { method: 'GET', url: '/api/credentials?pageSize=200' });
    expect(theirs.json().items.every((i: { groupId: string | null }) => i.groupId === null)).toBe(true);
    const paged = await t.call(developer.token, { method: 'GET', url: '/api/credentials?page=2&pageSize=2' });
    expect(paged.json()).toMatchObject({ page: 2, pageSize: 2, total: mine.json().total });
  });

  it('global credentials are managed by administrators only', async () => {
    expect((await post(owner, { name: 'mine-global', kind: 'git_token', token: 'x' })).statusCode).toBe(403);
    const global = await post(admin, { name: 'admin-global', kind: 'ssh_key', generate: true });
    expect((await t.call(owner.token, { method: 'DELETE', url: `/api/credentials/${global.json().id}` })).statusCode).toBe(403);
    expect((await t.call(admin.token, { method: 'DELETE', url: `/api/credentials/${global.json().id}` })).statusCode).toBe(204);
  });
});
