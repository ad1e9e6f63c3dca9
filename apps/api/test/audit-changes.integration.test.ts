import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp, type TestUser } from './helpers/test-app.js';

describe('audit entries of updates: before and after of what changed', () => {
  let t: TestApp;
  let admin: TestUser;
  let owner: TestUser;
  let groupId: string;

  beforeAll(async () => {
    t = await buildTestApp({ GIT_ALLOW_PRIVATE_HOSTS: 'true' });
    admin = await t.createUser({ isAdmin: true });
    groupId = (await t.createGroup()).id;
    owner = await t.createUser({ groupId, role: 'owner' });
  });
  afterAll(async () => t?.close());

  const call = async (method: 'POST' | 'PATCH', url: string, payload: object, user = owner) => {
    const response = await t.call(user.token, { method, url, payload });
    expect(response.statusCode, response.body).toBeLessThan(300);
    return response.json();
  };
  const lastEntry = async (resourceId: string) => {
    const entry = await t.db.auditLog.findFirstOrThrow({ where: { resourceId }, orderBy: { id: 'desc' } });
    return { action: entry.action, details: entry.details as Record<string, unknown>, text: JSON.stringify({ ...entry, id: entry.id.toString() }) };
  };

  it("records a project's build command and a hook's script before and after, and the template's script", async () => {
    const project = await call('POST', '/api/projects', {
      groupId,
      name: 'shop',
      gitUrl: 'https://git.example.com/shop.git',
      preset: 'shell',
      buildCommand: 'make',
      hooks: { 'before-release': 'echo one\necho two' },
    });
    await call('PATCH', `/api/projects/${project.id}`, { buildCommand: 'make dist', hooks: { 'before-release': 'echo one\necho 2' }, description: '' });

    expect(await lastEntry(project.id)).toMatchObject({
      action: 'project.update',
      details: {
        name: 'shop',
        changes: { buildCommand: { from: 'make', to: 'make dist' }, 'hooks.before-release': { from: 'echo one\necho two', to: 'echo one\necho 2' } },
      },
    });
    expect(Object.keys((await lastEntry(project.id)).details.changes as object)).toEqual(['buildCommand', 'hooks.before-release']);

    const template = await call('POST', '/api/hook-templates', { groupId, name: 'notify', script: 'curl a' });
    await call('PATCH', `/api/hook-templates/${template.id}`, { script: `curl b\n${'#'.repeat(5000)}` });
    expect((await lastEntry(template.id)).details).toEqual({ name: 'notify', changes: { script: { from: 'curl a', to: `curl b\n${'#'.repeat(4089)}`, truncated: true } } });
  });

  it('records an unchanged save as an entry with no changes', async () => {
    const project = await call('POST', '/api/projects', { groupId, name: 'still', gitUrl: 'https://git.example.com/still.git', preset: 'shell', buildCommand: 'make' });
    await call('PATCH', `/api/projects/${project.id}`, { buildCommand: 'make', hooks: {} });
    expect(await lastEntry(project.id)).toMatchObject({ action: 'project.update', details: { name: 'still', changes: {} } });
  });

  it("names an environment's changed variables; a secret's old and new values appear nowhere in the entry", async () => {
    const project = await call('POST', '/api/projects', { groupId, name: 'vars', gitUrl: 'https://git.example.com/vars.git', preset: 'shell' });
    const variables = [
      { key: 'DB_PASSWORD', value: 'old-db-secret-1111', secret: true },
      { key: 'MODE', value: 'fast' },
      { key: 'GONE', value: 'x' },
    ];
    const env = await call('POST', `/api/projects/${project.id}/environments`, { name: 'prod', deployPath: '/srv/vars', variables });
    const stored = await t.db.environment.findUniqueOrThrow({ where: { id: env.id } });
    await call('PATCH', `/api/environments/${env.id}`, {
      variables: [
        { key: 'DB_PASSWORD', value: 'new-db-secret-2222', secret: true },
        { key: 'MODE', value: 'slow' },
        { key: 'ADDED', value: 'y' },
      ],
    });
    const updated = await t.db.environment.findUniqueOrThrow({ where: { id: env.id } });

    const entry = await lastEntry(env.id);
    expect(entry.details).toEqual({
      name: 'prod',
      changes: {
        variables: {
          keys: {
            DB_PASSWORD: { from: '***', to: '***', secret: true },
            MODE: { from: 'fast', to: 'slow' },
            GONE: { from: 'x', to: null },
            ADDED: { from: null, to: 'y' },
          },
        },
      },
    });
    const ciphertexts = [stored.variables, updated.variables].map((list) => (list as { key: string; value: string }[]).find((v) => v.key === 'DB_PASSWORD')?.value);
    for (const secret of ['old-db-secret-1111', 'new-db-secret-2222', ...ciphertexts]) expect(entry.text).not.toContain(secret);
  });

  it('never stores a credential token or a password, plain or encrypted, only that it changed', async () => {
    const credential = await call('POST', '/api/credentials', { groupId, name: 'gitlab', kind: 'git_token', token: 'glpat-first-1111' });
    const first = (await t.db.credential.findUniqueOrThrow({ where: { id: credential.id } })).secret;
    await call('PATCH', `/api/credentials/${credential.id}`, { token: 'glpat-second-2222', description: 'CI' });
    const second = (await t.db.credential.findUniqueOrThrow({ where: { id: credential.id } })).secret;
    const entry = await lastEntry(credential.id);
    expect(entry.details).toEqual({ name: 'gitlab', changes: { description: { from: '', to: 'CI' }, token: { from: '***', to: '***', secret: true } } });
    for (const secret of ['glpat', first, second]) expect(entry.text).not.toContain(secret);

    const user = await t.createUser({ password: 'first-Password-123' });
    const hashBefore = (await t.db.user.findUniqueOrThrow({ where: { id: user.id } })).passwordHash;
    await call('PATCH', `/api/users/${user.id}`, { password: 'second-Password-456', displayName: 'Renamed' }, admin);
    const hashAfter = (await t.db.user.findUniqueOrThrow({ where: { id: user.id } })).passwordHash;
    const userEntry = await lastEntry(user.id);
    expect(userEntry.details).toMatchObject({ changes: { password: { from: '***', to: '***', secret: true }, displayName: { to: 'Renamed' } } });
    for (const secret of ['Password-', hashBefore, hashAfter]) expect(userEntry.text).not.toContain(secret);
  });

  it("names a notification channel's changed secret parts without their values", async () => {
    const channel = await call('POST', '/api/notification-channels', {
      groupId,
      name: 'hook',
      kind: 'webhook',
      secret: { url: 'http://127.0.0.1:9/hook', hmacSecret: 'first-hmac-secret-0123456789' },
    });
    await call('PATCH', `/api/notification-channels/${channel.id}`, { name: 'hook 2', secret: { hmacSecret: 'second-hmac-secret-0123456789' } });
    const entry = await lastEntry(channel.id);
    expect(entry.details).toEqual({ name: 'hook 2', changes: { name: { from: 'hook', to: 'hook 2' }, secret: { keys: { hmacSecret: { from: '***', to: '***', secret: true } } } } });
    expect(entry.text).not.toContain('hmac-secret');
  });
});
