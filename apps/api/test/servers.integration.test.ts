import { randomBytes } from 'node:crypto';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import { startSshHosts, type SshHosts } from '@rp/deploy-engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecretBox } from '../src/shared/secret-box.js';
import { buildTestApp, type TestApp, type TestUser } from './helpers/test-app.js';

describe('servers against real sshd hosts', () => {
  let t: TestApp;
  let ssh: SshHosts;
  let admin: TestUser;
  let owner: TestUser;
  let groupId: string;
  let credentialId: string;

  beforeAll(async () => {
    [t, ssh] = await Promise.all([buildTestApp(), startSshHosts(2)]);
    admin = await t.createUser({ isAdmin: true });
    groupId = (await t.createGroup()).id;
    owner = await t.createUser({ groupId, role: 'owner' });
    const credential = await t.call(owner.token, {
      method: 'POST',
      url: '/api/credentials',
      payload: { groupId, name: 'deploy key', kind: 'ssh_key', privateKey: ssh.hosts[0]!.privateKey },
    });
    expect(credential.statusCode).toBe(201);
    credentialId = credential.json().id;
  });
  afterAll(async () => {
    await ssh?.stopAll();
    await t?.close();
  });

  async function register(host: { host: string; port: number; username: string }, extra: Record<string, unknown> = {}) {
    const response = await t.call(owner.token, {
      method: 'POST',
      url: '/api/servers',
      payload: { groupId, name: `srv-${Math.random().toString(36).slice(2, 8)}`, host: host.host, port: host.port, username: host.username, credentialId, labels: ['web'], ...extra },
    });
    expect(response.statusCode).toBe(201);
    return response.json() as { id: string; hostKeyFingerprint: string | null; lastTest: unknown };
  }

  const test = (id: string) => t.call(owner.token, { method: 'POST', url: `/api/servers/${id}/test` });

  it('connects, runs uname and pins the host key on first use, audited', async () => {
    const host = ssh.hosts[0]!;
    const server = await register(host);
    expect(server.hostKeyFingerprint).toBeNull();
    expect(server.lastTest).toBeNull();

    const first = await test(server.id);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ ok: true, fingerprint: host.hostKeyFingerprint, learned: true });
    expect(first.json().output).toMatch(/Linux/);
    expect(first.json().latencyMs).toBeGreaterThanOrEqual(0);
    const stored = await t.call(owner.token, { method: 'GET', url: `/api/servers/${server.id}` });
    expect(stored.json().hostKeyFingerprint).toBe(host.hostKeyFingerprint);
    expect(stored.json().lastTest).toEqual({ at: expect.any(String), ok: true, errorCode: null, error: null });

    const again = await test(server.id);
    expect(again.json()).toMatchObject({ ok: true, fingerprint: host.hostKeyFingerprint, learned: false });

    const trail = await t.call(admin.token, { method: 'GET', url: `/api/audit?resourceType=server&resourceId=${server.id}` });
    const actions = trail.json().items.map((i: { action: string }) => i.action);
    expect(actions).toEqual(['server.test', 'server.test', 'server.host_key_learn', 'server.create']);
    expect(trail.json().items[2].details).toEqual({ fingerprint: host.hostKeyFingerprint });
  });

  it('refuses a host whose key differs from the pinned one and changes nothing', async () => {
    const server = await register(ssh.hosts[1]!, { hostKeyFingerprint: ssh.hosts[0]!.hostKeyFingerprint });
    const response = await test(server.id);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ ok: false, errorCode: 'host-key-mismatch', learned: false, fingerprint: null });
    expect(response.json().error).toContain(ssh.hosts[1]!.hostKeyFingerprint);
    const stored = await t.call(owner.token, { method: 'GET', url: `/api/servers/${server.id}` });
    expect(stored.json().hostKeyFingerprint).toBe(ssh.hosts[0]!.hostKeyFingerprint);

    // Only an administrator may drop the pin; the next test then learns the real key.
    expect((await t.call(owner.token, { method: 'POST', url: `/api/servers/${server.id}/host-key/reset` })).statusCode).toBe(403);
    const reset = await t.call(admin.token, { method: 'POST', url: `/api/servers/${server.id}/host-key/reset` });
    expect(reset.json().hostKeyFingerprint).toBeNull();
    expect((await test(server.id)).json()).toMatchObject({ ok: true, learned: true, fingerprint: ssh.hosts[1]!.hostKeyFingerprint });
  });

  it('reports an unreachable port and a port that is not SSH as clean failures, not 5xx', async () => {
    const closed: TcpServer = createTcpServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise((resolve) => closed.close(resolve));
    const unreachable = await register({ host: '127.0.0.1', port, username: 'nobody' });
    const refused = await test(unreachable.id);
    expect(refused.statusCode).toBe(200);
    expect(refused.json()).toMatchObject({ ok: false, errorCode: 'connect-failed', fingerprint: null });
    expect(refused.json().error).toMatch(/ECONNREFUSED|connect/);
    // The outcome stays with the server, for the list after a reload.
    const listed = (await t.call(owner.token, { method: 'GET', url: `/api/servers/${unreachable.id}` })).json();
    expect(listed.lastTest).toEqual({ at: expect.any(String), ok: false, errorCode: 'connect-failed', error: refused.json().error });

    const sockets = new Set<Socket>();
    const notSsh = createTcpServer((socket) => {
      sockets.add(socket);
      socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
    });
    await new Promise<void>((resolve) => notSsh.listen(0, '127.0.0.1', resolve));
    try {
      const http = await register({ host: '127.0.0.1', port: (notSsh.address() as { port: number }).port, username: 'nobody' });
      const response = await test(http.id);
      expect(response.statusCode).toBe(200);
      expect(response.json().ok).toBe(false);
    } finally {
      // The client may keep its half of a refused connection open; close() would wait for it forever.
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => notSsh.close(resolve));
    }
  });

  it('takes only SSH keys of its own group or global ones', async () => {
    const other = await t.createGroup();
    const foreign = await t.call(admin.token, { method: 'POST', url: '/api/credentials', payload: { groupId: other.id, name: 'theirs', kind: 'ssh_key', generate: true } });
    const token = await t.call(owner.token, { method: 'POST', url: '/api/credentials', payload: { groupId, name: 'git', kind: 'git_token', token: 'glpat-abc' } });
    const global = await t.call(admin.token, { method: 'POST', url: '/api/credentials', payload: { name: `global-${Date.now()}`, kind: 'ssh_key', generate: true } });
    const attempt = (id: string) =>
      t.call(owner.token, { method: 'POST', url: '/api/servers', payload: { groupId, name: `s-${id.slice(0, 8)}`, host: 'h.example', username: 'deploy', credentialId: id } });
    expect((await attempt(foreign.json().id)).json().error.message).toMatch(/credentialId: must be a credential of the server's group/);
    expect((await attempt(token.json().id)).json().error.message).toMatch(/credentialId: must be an SSH key/);
    const ok = await attempt(global.json().id);
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toMatchObject({ port: 22, labels: [], credentialName: global.json().name });
  });

  it('lists with search, label filter and pagination; refuses to delete a credential in use', async () => {
    const list = await t.call(owner.token, { method: 'GET', url: `/api/servers?groupId=${groupId}&label=web&pageSize=2` });
    expect(list.json()).toMatchObject({ page: 1, pageSize: 2 });
    expect(list.json().total).toBeGreaterThanOrEqual(3);
    expect(list.json().items).toHaveLength(2);
    const searched = await t.call(owner.token, { method: 'GET', url: '/api/servers?q=h.EXAMPLE' });
    expect(searched.json().total).toBe(1);
    const viewer = await t.createUser({ groupId, role: 'viewer' });
    expect((await t.call(viewer.token, { method: 'GET', url: '/api/servers' })).json().total).toBe(list.json().total + 1);
    const outsider = await t.createUser();
    expect((await t.call(outsider.token, { method: 'GET', url: '/api/servers' })).json().total).toBe(0);

    const inUse = await t.call(owner.token, { method: 'DELETE', url: `/api/credentials/${credentialId}` });
    expect(inUse.statusCode).toBe(409);
  });

  it('says clearly when the stored key cannot be decrypted with this master key', async () => {
    const foreign = await t.db.credential.create({
      data: { groupId, name: 'other-install', kind: 'ssh_key', secret: createSecretBox(randomBytes(32)).encrypt(ssh.hosts[0]!.privateKey) },
    });
    const server = await t.db.server.create({ data: { groupId, name: 'undecryptable', host: '127.0.0.1', port: ssh.hosts[0]!.port, username: 'x', credentialId: foreign.id } });
    const response = await test(server.id);
    expect(response.statusCode).toBe(409);
    expect(response.json().error.message).toMatch(/cannot be decrypted with this installation's master key/);
  });
});
