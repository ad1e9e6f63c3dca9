import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE_UNAUTHORIZED, FEED_PROTOCOL } from '@rp/contract/feed';
import { bearerProtocols } from './helpers/live-viewer.js';
import { buildTestApp, type TestApp, type TestUser } from './helpers/test-app.js';

const rand = () => Math.random().toString(36).slice(2, 10);

/** A socket's fate: it opens (and sends its snapshot) or its handshake is refused with an HTTP status; later, its close code. */
interface Opened {
  socket: WebSocket;
  /** 'snapshot' once the first message arrived, or the HTTP status of a refused handshake. */
  outcome: Promise<'snapshot' | number>;
  closed: Promise<number>;
}

function open(url: string, protocols?: string[]): Opened {
  const socket = new WebSocket(url, protocols);
  const outcome = new Promise<'snapshot' | number>((resolve, reject) => {
    socket.once('message', (raw) => resolve(JSON.parse(raw.toString()).type === 'snapshot' ? 'snapshot' : -1));
    socket.once('unexpected-response', (req, res) => {
      resolve(res.statusCode ?? 0);
      // With this listener, ending the refused request is ours to do (ws leaves it open otherwise).
      req.destroy();
    });
    socket.on('error', reject);
  });
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
  return { socket, outcome, closed };
}

/** Resolves with the close code, or with null if the socket is still open after `ms`. */
const closedWithin = (s: Opened, ms: number) => Promise.race([s.closed, new Promise<null>((resolve) => setTimeout(() => resolve(null), ms))]);

/** A group with one release in it (rows written directly: the routes under test must not be their own setup). */
async function releaseInGroup(t: TestApp) {
  const group = await t.createGroup();
  const credential = await t.db.credential.create({
    data: { groupId: group.id, name: `key-${rand()}`, kind: 'ssh_key', secret: t.app.secrets.encrypt('not a usable key'), publicKey: 'ssh-ed25519 AAAA', fingerprint: 'SHA256:x' },
  });
  const server = await t.db.server.create({ data: { groupId: group.id, name: `srv-${rand()}`, host: '127.0.0.1', port: 1, username: 'deploy', credentialId: credential.id } });
  const project = await t.db.project.create({ data: { groupId: group.id, name: `p-${rand()}`, gitUrl: 'file:///nonexistent', preset: 'shell' } });
  const env = await t.db.environment.create({
    data: { projectId: project.id, name: `e-${rand()}`, deployPath: '/srv/app', rollout: { strategy: 'parallel', concurrency: 5 }, servers: { create: [{ serverId: server.id }] } },
  });
  const creator = await t.createUser({ groupId: group.id, role: 'developer' });
  const release = await t.db.release.create({
    data: {
      projectId: project.id,
      environmentId: env.id,
      state: 'running',
      ref: 'main',
      commit: 'a'.repeat(40),
      rollout: { strategy: 'parallel' },
      createdById: creator.id,
      targets: { create: [{ serverId: server.id, state: 'pending' }] },
    },
  });
  return { groupId: group.id, environmentId: env.id, releaseId: release.id };
}

async function setup(env: Record<string, string>) {
  const lines: string[] = [];
  // Debug: successful reads (the socket handshakes) are logged at debug, and redaction must hold at every level.
  const logger = pino({ level: 'debug' }, { write: (line: string) => lines.push(line) });
  const t = await buildTestApp(env, { logger });
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  const base = `ws://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  const { groupId, environmentId, releaseId } = await releaseInGroup(t);
  return { t, lines, groupId, environmentId, releaseUrl: `${base}/ws/releases/${releaseId}` };
}

const ticketFor = async (t: TestApp, token: string) => {
  const response = await t.call(token, { method: 'POST', url: '/api/ws-ticket' });
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as { ticket: string; expiresAt: string };
};

describe('live sockets: tickets instead of tokens in URLs, closed when access ends', () => {
  let t: TestApp;
  let lines: string[];
  let groupId: string;
  let environmentId: string;
  let releaseUrl: string;
  let admin: TestUser;
  /** Every credential the tests put in a URL or handshake: none may appear in the request log. */
  const secrets: string[] = [];

  beforeAll(async () => {
    // The periodic round is out of the way: what closes these sockets within seconds is the access notice.
    ({ t, lines, groupId, environmentId, releaseUrl } = await setup({ WS_RECHECK_SECONDS: '3600' }));
    admin = await t.createUser({ isAdmin: true });
  });
  afterAll(async () => {
    await t?.close();
  });

  const viewer = async () => {
    const user = await t.createUser({ groupId, role: 'viewer' });
    secrets.push(user.token);
    return user;
  };
  const withTicket = async (token: string) => {
    const { ticket } = await ticketFor(t, token);
    secrets.push(ticket);
    return open(`${releaseUrl}?since=0&ticket=${encodeURIComponent(ticket)}`);
  };

  it('issues a 30-second ticket, stored only as its hash, that opens one socket once', async () => {
    const user = await viewer();
    const before = Date.now();
    const { ticket, expiresAt } = await ticketFor(t, user.token);
    secrets.push(ticket);
    expect(Buffer.from(ticket, 'base64url').length).toBeGreaterThanOrEqual(16);
    expect(Date.parse(expiresAt) - before).toBeGreaterThan(25_000);
    expect(Date.parse(expiresAt) - before).toBeLessThanOrEqual(31_000);
    const row = await t.db.wsTicket.findUnique({ where: { id: createHash('sha256').update(ticket).digest('hex') } });
    expect(row).toMatchObject({ userId: user.id, tokenId: null });
    expect(row?.sessionId).toEqual(expect.any(String));

    const url = `${releaseUrl}?since=0&ticket=${encodeURIComponent(ticket)}`;
    // Two handshakes race for the same ticket: exactly one gets it.
    const [a, b] = [open(url), open(url)];
    const outcomes = await Promise.all([a.outcome, b.outcome]);
    expect(outcomes.sort()).toEqual([401, 'snapshot']);
    expect(await open(url).outcome).toBe(401);
    a.socket.close();
    b.socket.close();
  });

  it('refuses an expired ticket, and purges expired ones when issuing', async () => {
    const user = await viewer();
    const { ticket } = await ticketFor(t, user.token);
    secrets.push(ticket);
    const id = createHash('sha256').update(ticket).digest('hex');
    await t.db.wsTicket.update({ where: { id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await open(`${releaseUrl}?ticket=${encodeURIComponent(ticket)}`).outcome).toBe(401);

    await ticketFor(t, user.token);
    expect(await t.db.wsTicket.count({ where: { expiresAt: { lte: new Date() } } })).toBe(0);
  });

  it('refuses the session token or an API token in the URL', async () => {
    const user = await viewer();
    const apiToken = (await t.call(user.token, { method: 'POST', url: '/api/tokens', payload: { name: 'ci', scope: 'read' } })).json().token as string;
    secrets.push(apiToken);
    expect(await open(`${releaseUrl}?since=0&token=${encodeURIComponent(user.token)}`).outcome).toBe(401);
    expect(await open(`${releaseUrl}?token=${encodeURIComponent(apiToken)}`).outcome).toBe(401);
    expect(await open(`${releaseUrl}?ticket=${encodeURIComponent(user.token)}`).outcome).toBe(401);
  });

  it('takes a session or API token offered as a subprotocol, and answers with the feed protocol only', async () => {
    const user = await viewer();
    const apiToken = (await t.call(user.token, { method: 'POST', url: '/api/tokens', payload: { name: 'ci', scope: 'read' } })).json().token as string;
    secrets.push(apiToken);
    for (const token of [user.token, apiToken]) {
      const s = open(releaseUrl, bearerProtocols(token));
      expect(await s.outcome).toBe('snapshot');
      expect(s.socket.protocol).toBe(FEED_PROTOCOL);
      s.socket.close();
    }
    expect(await open(releaseUrl, bearerProtocols('not-a-token')).outcome).toBe(401);
    // A member of another group only: authenticated, but not allowed to watch.
    const other = await t.createGroup();
    const outsider = await t.createUser({ groupId: other.id, role: 'owner' });
    expect(await open(releaseUrl, bearerProtocols(outsider.token)).outcome).toBe(403);
  });

  it('a read-only API token may ask for a ticket, which then stands for that token', async () => {
    const user = await viewer();
    const created = (await t.call(user.token, { method: 'POST', url: '/api/tokens', payload: { name: 'watch', scope: 'read' } })).json();
    secrets.push(created.token);
    const { ticket } = await ticketFor(t, created.token);
    secrets.push(ticket);
    const row = await t.db.wsTicket.findUnique({ where: { id: createHash('sha256').update(ticket).digest('hex') } });
    expect(row).toMatchObject({ tokenId: created.apiToken.id, sessionId: null });
  });

  it('closes a socket with 4401 when its user is disabled, and leaves other viewers alone', async () => {
    const [gone, stays] = [await viewer(), await viewer()];
    const [a, b] = [await withTicket(gone.token), await withTicket(stays.token)];
    expect(await Promise.all([a.outcome, b.outcome])).toEqual(['snapshot', 'snapshot']);

    expect((await t.call(admin.token, { method: 'PATCH', url: `/api/users/${gone.id}`, payload: { disabled: true } })).statusCode).toBe(200);
    expect(await closedWithin(a, 5_000)).toBe(CLOSE_UNAUTHORIZED);
    expect(await closedWithin(b, 500)).toBeNull();
    b.socket.close();
  });

  it('closes a socket with 4401 when its user is removed from the release\'s group', async () => {
    const user = await viewer();
    const s = await withTicket(user.token);
    expect(await s.outcome).toBe('snapshot');
    expect((await t.call(admin.token, { method: 'DELETE', url: `/api/groups/${groupId}/members/${user.id}` })).statusCode).toBe(204);
    expect(await closedWithin(s, 5_000)).toBe(CLOSE_UNAUTHORIZED);
  });

  it('closes a socket with 4401 when its session logs out', async () => {
    const user = await viewer();
    const s = await withTicket(user.token);
    expect(await s.outcome).toBe('snapshot');
    expect((await t.call(user.token, { method: 'POST', url: '/api/auth/logout' })).statusCode).toBe(204);
    expect(await closedWithin(s, 5_000)).toBe(CLOSE_UNAUTHORIZED);
  });

  it('closes a socket with 4401 when the API token it was opened with is revoked', async () => {
    const user = await viewer();
    const created = (await t.call(user.token, { method: 'POST', url: '/api/tokens', payload: { name: 'watch', scope: 'read' } })).json();
    secrets.push(created.token);
    const viaToken = open(releaseUrl, bearerProtocols(created.token));
    const viaSession = await withTicket(user.token);
    expect(await Promise.all([viaToken.outcome, viaSession.outcome])).toEqual(['snapshot', 'snapshot']);

    expect((await t.call(user.token, { method: 'DELETE', url: `/api/tokens/${created.apiToken.id}` })).statusCode).toBe(204);
    expect(await closedWithin(viaToken, 5_000)).toBe(CLOSE_UNAUTHORIZED);
    // The same user's session is still good: its socket stays.
    expect(await closedWithin(viaSession, 500)).toBeNull();
    viaSession.socket.close();
  });

  it('writes no token, ticket or trigger token to the request log', async () => {
    const owner = await t.createUser({ groupId, role: 'owner' });
    secrets.push(owner.token);
    const issued = await t.call(owner.token, { method: 'POST', url: `/api/environments/${environmentId}/trigger-token`, payload: { defaultRef: 'main' } });
    expect(issued.statusCode, issued.body).toBe(201);
    const trigger = issued.json().token as string;
    secrets.push(trigger);
    await t.app.inject({ method: 'POST', url: `/api/trigger/${trigger}?token=${owner.token}`, payload: {} });

    const log = lines.join('');
    // The log did capture the requests above, with their credentials replaced.
    expect(log).toContain('ticket=[redacted]');
    expect(log).toContain('token=[redacted]');
    expect(log).toContain('/api/trigger/[redacted]');
    expect(secrets.length).toBeGreaterThan(10);
    for (const secret of secrets) expect(log).not.toContain(secret);
  });
});

describe('live sockets: the periodic re-check', () => {
  let t: TestApp;
  let groupId: string;
  let releaseUrl: string;

  beforeAll(async () => {
    ({ t, groupId, releaseUrl } = await setup({ WS_RECHECK_SECONDS: '1' }));
  });
  afterAll(async () => {
    await t?.close();
  });

  it('closes a socket whose session ended behind the services\' back (no notice sent)', async () => {
    const user = await t.createUser({ groupId, role: 'viewer' });
    const { ticket } = await ticketFor(t, user.token);
    const s = open(`${releaseUrl}?ticket=${encodeURIComponent(ticket)}`);
    expect(await s.outcome).toBe('snapshot');
    await t.db.session.updateMany({ where: { userId: user.id }, data: { revokedAt: new Date() } });
    expect(await closedWithin(s, 5_000)).toBe(CLOSE_UNAUTHORIZED);
  });
});
