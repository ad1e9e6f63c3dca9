import { randomBytes } from 'node:crypto';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ReleaseState } from '../src/generated/prisma/enums.js';
import { COMPRESSION_THRESHOLD_BYTES } from '../src/plugins/app/compression.js';
import { getRelease } from '../src/releases/views.js';
import { buildTestApp, type TestApp, type TestUser } from './helpers/test-app.js';

const HOUR = 3_600_000;

interface Item {
  id: string;
  createdAt: string;
  [field: string]: unknown;
}
interface Page {
  items: Item[];
  total: number;
  page: number;
  pageSize: number;
}

/**
 * `GET /api/releases` is one hand-written SQL statement (releases/list.ts): what it shows must be what each release's
 * own page shows, only to the callers who may see it, filtered and paged as the query asks.
 */
describe('the release list', () => {
  let t: TestApp;
  let admin: TestUser;
  let devA: TestUser;
  let ownerB: TestUser;
  let outsider: TestUser;
  let projectA: string;
  let projectB: string;
  let envA1: string;
  let envA2: string;
  /** Newest first, as the list orders them. */
  const seeded: { id: string; projectId: string; environmentId: string; state: ReleaseState; createdBy: string; createdAt: Date }[] = [];
  const base = Date.now() - 48 * HOUR;

  beforeAll(async () => {
    t = await buildTestApp();
    const groupA = await t.createGroup();
    const groupB = await t.createGroup();
    admin = await t.createUser({ isAdmin: true });
    devA = await t.createUser({ groupId: groupA.id, role: 'developer' });
    ownerB = await t.createUser({ groupId: groupB.id, role: 'owner' });
    outsider = await t.createUser();
    const project = (groupId: string, name: string) =>
      t.db.project.create({ data: { groupId, name, gitUrl: 'file:///nowhere.git', preset: 'shell' } }).then((p) => p.id);
    const environment = (projectId: string, name: string) =>
      t.db.environment.create({ data: { projectId, name, deployPath: '/srv/app', rollout: { strategy: 'parallel', concurrency: 2 } } }).then((e) => e.id);
    projectA = await project(groupA.id, 'shop');
    projectB = await project(groupB.id, 'billing');
    envA1 = await environment(projectA, 'prod');
    envA2 = await environment(projectA, 'staging');
    const envB = await environment(projectB, 'prod');

    // Two share a creation time: paging must neither repeat nor skip either of them.
    const plan: [string, string, ReleaseState, TestUser, number][] = [
      [projectA, envA1, 'succeeded', devA, 1],
      [projectA, envA1, 'failed', admin, 2],
      [projectA, envA2, 'queued', devA, 3],
      [projectA, envA2, 'pending_approval', devA, 3],
      [projectA, envA1, 'running', admin, 5],
      [projectB, envB, 'succeeded', ownerB, 6],
      [projectB, envB, 'aborted', ownerB, 30],
    ];
    for (const [projectId, environmentId, state, creator, hours] of plan) {
      const createdAt = new Date(base - hours * HOUR);
      const approved = state !== 'pending_approval';
      const release = await t.db.release.create({
        data: {
          projectId,
          environmentId,
          state,
          ref: 'main',
          commit: randomBytes(20).toString('hex'),
          description: `${state} release`,
          rollout: { strategy: 'batches', batches: [1, '50%'] },
          createdById: creator.id,
          approvedById: approved ? admin.id : null,
          approvedAt: approved ? new Date(createdAt.getTime() + 60_000) : null,
          reviewComment: approved ? 'ok' : '',
          queuedAt: approved ? new Date(createdAt.getTime() + 61_000) : null,
          startedAt: ['succeeded', 'failed', 'running', 'aborted'].includes(state) ? new Date(createdAt.getTime() + 62_123) : null,
          finishedAt: ['succeeded', 'failed', 'aborted'].includes(state) ? new Date(createdAt.getTime() + 99_999) : null,
          abortRequestedAt: state === 'aborted' ? new Date(createdAt.getTime() + 70_000) : null,
          error: state === 'failed' ? 'health check failed on web-1' : null,
          lastSeq: state === 'pending_approval' ? 0 : 42,
          artifact: { path: '/data/artifacts/x.tar.gz', sha256: 'ab', size: 1 },
          createdAt,
        },
      });
      seeded.push({ id: release.id, projectId, environmentId, state, createdBy: creator.username, createdAt });
    }
    seeded.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1));

    // Targets in every shape a release page shows, on servers whose names sort otherwise than they were created.
    const key = await t.db.credential.create({
      data: { groupId: groupA.id, name: 'key', kind: 'ssh_key', secret: t.app.secrets.encrypt('not a key'), publicKey: 'ssh-ed25519 AAAA', fingerprint: 'SHA256:x' },
    });
    const servers = [];
    for (const [i, name] of ['web-b', 'web-a', 'web-c'].entries()) {
      servers.push(await t.db.server.create({ data: { groupId: groupA.id, name, host: `10.0.0.${i + 1}`, username: 'deploy', credentialId: key.id } }));
    }
    const running = seeded.find((r) => r.state === 'running');
    const failed = seeded.find((r) => r.state === 'failed');
    const at = new Date(base + 1234);
    await t.db.releaseTarget.createMany({
      data: [
        { releaseId: running!.id, serverId: servers[0]!.id, state: 'succeeded', stage: 'healthcheck', previous: 'r1', current: 'r2', startedAt: at, finishedAt: new Date(at.getTime() + 5_000) },
        { releaseId: running!.id, serverId: servers[1]!.id, state: 'running', stage: 'upload', startedAt: at },
        { releaseId: running!.id, serverId: servers[2]!.id },
        { releaseId: failed!.id, serverId: servers[1]!.id, state: 'failed', stage: 'healthcheck', error: 'connection refused', startedAt: at, finishedAt: at },
      ],
    });
  });
  afterAll(async () => t?.close());

  const list = async (user: TestUser, query: string): Promise<Page> => {
    const response = await t.call(user.token, { method: 'GET', url: `/api/releases?${query}` });
    expect(response.statusCode, response.body).toBe(200);
    return response.json();
  };
  const ids = (page: Page) => page.items.map((r) => r.id);
  const expected = (keep: (r: (typeof seeded)[number]) => boolean) => seeded.filter(keep).map((r) => r.id);

  it('shows every release as the services read it, the list without targets, planned batches and progress, newest first', async () => {
    const page = await list(admin, 'pageSize=100');
    expect(page).toMatchObject({ total: seeded.length, page: 1, pageSize: 100 });
    expect(ids(page)).toEqual(seeded.map((r) => r.id));
    for (const item of page.items) {
      // views.ts' getRelease (Prisma, what actions answer with) is the reference both SQL reads must match.
      const reference = JSON.parse(JSON.stringify(await getRelease({ db: t.db }, { id: item.id })));
      const detail = await t.call(admin.token, { method: 'GET', url: `/api/releases/${item.id}` });
      expect(detail.json()).toEqual(reference);
      const { targets: _targets, plannedBatches: _plannedBatches, progress: _progress, ...summary } = reference;
      expect(item).toEqual(summary);
    }
    const running = (await t.call(admin.token, { method: 'GET', url: `/api/releases/${seeded.find((r) => r.state === 'running')!.id}` })).json();
    expect(running.targets.map((target: { serverName: string }) => target.serverName)).toEqual(['web-a', 'web-b', 'web-c']);
    expect(running.targets[1]).toMatchObject({ serverName: 'web-b', host: '10.0.0.1', state: 'succeeded', previous: 'r1', current: 'r2', error: null });
    expect(running.targets[2]).toMatchObject({ state: 'pending', stage: null, startedAt: null, finishedAt: null });
    // Batches [1, "50%"] of three servers by name: web-a, then up to two (web-b), then the rest.
    const serverIds = running.targets.map((target: { serverId: string }) => target.serverId);
    expect(running.plannedBatches).toEqual([[serverIds[0]], [serverIds[1]], [serverIds[2]]]);
    const failed = page.items.find((r) => r.state === 'failed');
    expect(failed).toMatchObject({ error: 'health check failed on web-1', approvedBy: admin.username, projectName: 'shop', environmentName: 'prod', rollout: { strategy: 'batches', batches: [1, '50%'] } });
    expect(page.items.find((r) => r.state === 'pending_approval')).toMatchObject({ approvedBy: null, approvedAt: null, startedAt: null, abortRequested: false });
    expect(page.items.find((r) => r.state === 'aborted')?.abortRequested).toBe(true);
    expect(page.items.every((r) => !('artifact' in r) && !('total' in r))).toBe(true);
  });

  it('shows a caller only the releases of their groups', async () => {
    const own = await list(devA, 'pageSize=100');
    expect(ids(own)).toEqual(expected((r) => r.projectId === projectA));
    expect(own.total).toBe(5);
    expect(ids(await list(ownerB, 'pageSize=100'))).toEqual(expected((r) => r.projectId === projectB));
    expect(await list(outsider, 'pageSize=100')).toEqual({ items: [], total: 0, page: 1, pageSize: 100 });
    expect(await list(devA, `projectId=${projectB}`)).toMatchObject({ items: [], total: 0 });
  });

  it('filters by project, environment, state, creator and creation time, alone and together', async () => {
    expect(ids(await list(admin, `projectId=${projectB}`))).toEqual(expected((r) => r.projectId === projectB));
    expect(ids(await list(admin, `environmentId=${envA2}`))).toEqual(expected((r) => r.environmentId === envA2));
    expect(ids(await list(admin, 'state=succeeded'))).toEqual(expected((r) => r.state === 'succeeded'));
    expect(ids(await list(admin, `createdBy=${devA.username}`))).toEqual(expected((r) => r.createdBy === devA.username));
    expect(ids(await list(admin, 'createdBy=nobody-at-all'))).toEqual([]);
    const from = new Date(base - 5 * HOUR);
    const to = new Date(base - 2 * HOUR);
    const window = `createdFrom=${encodeURIComponent(from.toISOString())}&createdTo=${encodeURIComponent(to.toISOString())}`;
    expect(ids(await list(admin, window))).toEqual(expected((r) => r.createdAt >= from && r.createdAt < to));
    const combined = await list(devA, `${window}&environmentId=${envA1}&createdBy=${admin.username}`);
    expect(ids(combined)).toEqual(expected((r) => r.createdAt >= from && r.createdAt < to && r.environmentId === envA1 && r.createdBy === admin.username));
    expect(combined.total).toBe(1);
  });

  it('pages without repeating or skipping releases created at the same moment, and counts past the end', async () => {
    const pages: string[] = [];
    for (let page = 1; page <= 3; page++) {
      const result = await list(devA, `pageSize=2&page=${page}`);
      expect(result).toMatchObject({ total: 5, page, pageSize: 2 });
      pages.push(...ids(result));
    }
    expect(pages).toEqual(expected((r) => r.projectId === projectA));
    expect(await list(devA, 'pageSize=2&page=9')).toEqual({ items: [], total: 5, page: 9, pageSize: 2 });
  });

  it('compresses a large page for a client that accepts it, and leaves a small one alone', async () => {
    const url = '/api/releases?pageSize=100';
    const plain = await t.call(admin.token, { method: 'GET', url });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.rawPayload.length).toBeGreaterThan(COMPRESSION_THRESHOLD_BYTES);

    const gzipped = await t.call(admin.token, { method: 'GET', url, headers: { 'accept-encoding': 'gzip' } });
    expect(gzipped.statusCode).toBe(200);
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gzipped.headers.vary).toContain('accept-encoding');
    expect(gzipped.rawPayload.length).toBeLessThan(plain.rawPayload.length / 2);
    expect(JSON.parse(gunzipSync(gzipped.rawPayload).toString('utf8'))).toEqual(plain.json());

    const brotli = await t.call(admin.token, { method: 'GET', url, headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(brotli.headers['content-encoding']).toBe('br');
    expect(JSON.parse(brotliDecompressSync(brotli.rawPayload).toString('utf8'))).toEqual(plain.json());

    const small = await t.call(outsider.token, { method: 'GET', url, headers: { 'accept-encoding': 'gzip' } });
    expect(small.rawPayload.length).toBeLessThan(COMPRESSION_THRESHOLD_BYTES);
    expect(small.headers['content-encoding']).toBeUndefined();
    expect(small.json()).toEqual({ items: [], total: 0, page: 1, pageSize: 100 });
  });
});

/**
 * Pages are kept up to READ_CACHE_MS (1 s) per query and visibility; a write through this process, or a
 * release notice from any other, drops them at once.
 */
describe('the release list cache', () => {
  let t: TestApp;
  let admin: TestUser;
  let projectId: string;
  let environmentId: string;
  beforeAll(async () => {
    t = await buildTestApp();
    admin = await t.createUser({ isAdmin: true });
    const group = await t.createGroup();
    projectId = (await t.db.project.create({ data: { groupId: group.id, name: 'shop', gitUrl: 'file:///nowhere.git', preset: 'shell' } })).id;
    environmentId = (await t.db.environment.create({ data: { projectId, name: 'prod', deployPath: '/srv/app', rollout: { strategy: 'parallel' } } })).id;
  });
  afterAll(async () => t?.close());

  /** A release written behind the services' back: no notice, as if by a process that sends none. */
  const insert = () =>
    t.db.release.create({ data: { projectId, environmentId, state: 'queued', ref: 'main', commit: randomBytes(20).toString('hex'), rollout: { strategy: 'parallel' }, createdById: admin.id } });
  const listed = async () => ((await t.call(admin.token, { method: 'GET', url: '/api/releases' })).json() as Page).items;

  it('serves a page again for a moment, and drops it when another process announces a release change', async () => {
    const first = await insert();
    expect((await listed()).map((r) => r.id)).toEqual([first.id]);
    const second = await insert();
    expect((await listed()).map((r) => r.id)).toEqual([first.id]);
    await t.db.$executeRaw`SELECT pg_notify('release_events', ${`${second.id}:state`})`;
    await vi.waitFor(async () => expect((await listed()).map((r) => r.id)).toEqual([second.id, first.id]), { timeout: 800, interval: 20 });
    // With no notice at all, a page is at most a second old.
    const third = await insert();
    await vi.waitFor(async () => expect((await listed()).map((r) => r.id)).toContain(third.id), { timeout: 2000, interval: 100 });
  });

  it('drops every page when a write through this process answers, whatever it changed', async () => {
    expect((await listed())[0]?.projectName).toBe('shop');
    const renamed = await t.call(admin.token, { method: 'PATCH', url: `/api/projects/${projectId}`, payload: { name: 'store' } });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect((await listed()).every((r) => r.projectName === 'store')).toBe(true);
  });

  it('is off with READ_CACHE_MS=0', async () => {
    const uncached = await buildTestApp({ READ_CACHE_MS: '0' });
    try {
      const user = await uncached.createUser({ isAdmin: true });
      const group = await uncached.createGroup();
      const project = await uncached.db.project.create({ data: { groupId: group.id, name: 'shop', gitUrl: 'file:///nowhere.git', preset: 'shell' } });
      const environment = await uncached.db.environment.create({ data: { projectId: project.id, name: 'prod', deployPath: '/srv/app', rollout: { strategy: 'parallel' } } });
      const count = async () => ((await uncached.call(user.token, { method: 'GET', url: '/api/releases' })).json() as Page).total;
      expect(await count()).toBe(0);
      await uncached.db.release.create({ data: { projectId: project.id, environmentId: environment.id, state: 'queued', ref: 'main', commit: 'a'.repeat(40), rollout: { strategy: 'parallel' }, createdById: user.id } });
      expect(await count()).toBe(1);
    } finally {
      await uncached.close();
    }
  });
});
