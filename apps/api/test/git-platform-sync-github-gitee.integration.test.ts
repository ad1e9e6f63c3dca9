import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scheduleGitSync } from '../src/git-platforms/sync-schedule.js';
import { startGiteeStandIn } from './helpers/gitee-stand-in.js';
import { startGitHubStandIn } from './helpers/github-stand-in.js';
import { platformSync } from './helpers/platform-sync.js';
import { buildTestApp, type TestApp, type TestUser } from './helpers/test-app.js';

/** GitHub's primary limit (403, no requests left until the reset time) or a secondary one (429 with Retry-After). */
type RateLimit = 'primary' | 'secondary';

/** One stand-in seen the same way, whichever platform it plays. */
interface Host {
  url: string;
  add(owner: string, name: string, o?: { description?: string; archived?: boolean }): void;
  addMany(count: number, owner: string): void;
  remove(fullName: string): void;
  push(fullName: string): void;
  /** The next call is refused as the platform refuses when it rate limits, asking for a wait of `seconds`. */
  rateLimitNext(how: RateLimit, seconds: number): void;
  /** The queries of the repository listings asked for so far. */
  listings(): Record<string, string>[];
  close(): Promise<void>;
}

interface Case {
  kind: 'github' | 'gitee';
  token: string;
  start(): Promise<Host>;
  /** The ways the platform rate limits, by what it answers. */
  rateLimits: Record<string, RateLimit>;
  /** What a full sync of three pages asked for. */
  fullListing(queries: Record<string, string>[]): void;
  /** What an incremental sync, after one push, asked for. */
  incrementalListing(queries: Record<string, string>[]): void;
}

const github: Case = {
  kind: 'github',
  token: 'ghp_sync_test_0001',
  async start() {
    const s = await startGitHubStandIn({ token: github.token, login: 'octo', scopes: ['repo'] });
    return {
      rateLimitNext: s.rateLimitNext,
      url: s.url,
      add: (owner, name, o = {}) => void s.addRepo({ owner, name, defaultBranch: 'main', ...o }),
      addMany: (count, owner) => s.addManyRepos(count, { owner }),
      remove: s.removeRepo,
      push: s.pushTo,
      listings: () => s.requests.filter((r) => r.path === '/user/repos' && r.authorised).map((r) => r.query),
      close: s.close,
    };
  },
  rateLimits: { 'a 403 with X-RateLimit-Remaining: 0 until X-RateLimit-Reset': 'primary', 'a 429 with Retry-After': 'secondary' },
  fullListing(queries) {
    // The first page is asked for by the query; the others by the Link header's rel="next", which adds `page`.
    expect(queries.map((q) => q.page)).toEqual([undefined, '2', '3']);
    for (const q of queries) expect(q).toMatchObject({ per_page: '100', affiliation: 'owner,collaborator,organization_member', sort: 'created', direction: 'asc' });
    expect(queries.every((q) => q.since === undefined)).toBe(true);
  },
  incrementalListing(queries) {
    expect(queries).toHaveLength(1);
    expect(queries[0]).toMatchObject({ sort: 'updated', direction: 'desc', per_page: '100' });
    expect(Date.parse(queries[0]?.since ?? '')).toBeGreaterThan(Date.now() - 3 * 3600_000);
  },
};

const gitee: Case = {
  kind: 'gitee',
  token: 'gitee-sync-test-0001',
  async start() {
    const s = await startGiteeStandIn({ token: gitee.token, login: 'gitee-bot' });
    return {
      rateLimitNext: (_how, seconds) => s.rateLimitNext(seconds),
      url: s.url,
      add: (owner, name, o = {}) => void s.addRepo({ owner, path: name, defaultBranch: 'main', description: o.description ?? '', ...(o.archived ? { status: '关闭' } : {}) }),
      addMany: (count, owner) => s.addManyRepos(count, { owner }),
      remove: s.removeRepo,
      push: s.pushTo,
      listings: () => s.requests.filter((r) => r.path === '/user/repos' && r.authorised).map((r) => r.query),
      close: s.close,
    };
  },
  rateLimits: { 'a 429 with Retry-After': 'secondary' },
  fullListing(queries) {
    expect(queries.map((q) => q.page)).toEqual(['1', '2', '3']);
    for (const q of queries) expect(q).toMatchObject({ access_token: '***', per_page: '100', sort: 'created', direction: 'asc' });
  },
  incrementalListing(queries) {
    // Newest update first; the second page holds only older repositories, so the third is never asked for.
    expect(queries.map((q) => q.page)).toEqual(['1', '2']);
    for (const q of queries) expect(q).toMatchObject({ sort: 'updated', direction: 'desc', per_page: '100' });
  },
};

describe.each([github, gitee])('$kind project sync', (c) => {
  let t: TestApp;
  let owner: TestUser;
  let viewer: TestUser;
  let groupId: string;
  let host: Host;
  let platformId: string;
  let credentialId: string;

  beforeAll(async () => {
    host = await c.start();
    host.add('acme', 'shop-api', { description: 'the shop API' });
    host.add('acme', 'old-portal', { archived: true });
    host.addMany(250, 'bulk');
    t = await buildTestApp({ GIT_ALLOW_PRIVATE_HOSTS: 'true' });
    groupId = (await t.createGroup()).id;
    owner = await t.createUser({ groupId, role: 'owner' });
    viewer = await t.createUser({ groupId, role: 'viewer' });
    credentialId = (await t.call(owner.token, { method: 'POST', url: '/api/credentials', payload: { groupId, name: `${c.kind} bot`, kind: 'git_token', token: c.token } })).json().id;
    const created = await t.call(owner.token, { method: 'POST', url: '/api/git-platforms', payload: { groupId, name: c.kind, kind: c.kind, baseUrl: host.url, credentialId } });
    platformId = created.json().id;
  });
  afterAll(async () => {
    await t?.close();
    await host?.close();
  });

  const { sync, settled, search } = platformSync(() => ({ t, owner, viewer, platformId }));

  it('stores every repository across pages of 100, with its fields mapped', async () => {
    const before = host.listings().length;
    const started = await sync();
    expect(started.statusCode, started.body).toBe(202);
    const view = await settled();
    expect(view.sync, view.sync.message).toMatchObject({ ok: true, mode: 'full', projects: 252 });
    expect(view.sync.message).toContain('252 project(s) synced, 0 no longer visible removed');
    c.fullListing(host.listings().slice(before));

    const [shop] = (await search('acme/shop')).items;
    expect(shop).toMatchObject({
      pathWithNamespace: 'acme/shop-api',
      name: 'shop-api',
      description: 'the shop API',
      defaultBranch: 'main',
      httpUrl: `${host.url}/acme/shop-api.git`,
      sshUrl: 'git@127.0.0.1:acme/shop-api.git',
      webUrl: `${host.url}/acme/shop-api`,
      archived: false,
    });
    expect(Number(shop.remoteId)).toBeGreaterThan(0);
    expect(shop.lastActivityAt).toMatch(/^2024-01-01T00:00:\d\d\.000Z$/);
    expect((await search('old-portal')).items[0].archived).toBe(true);
    expect((await search('bulk/')).total).toBe(250);
  });

  it('syncs incrementally: only what changed since the last sync is asked for and stored', async () => {
    host.push('bulk/repo-0042');
    const before = host.listings().length;
    expect((await sync({ mode: 'incremental' })).statusCode).toBe(202);
    const view = await settled();
    expect(view.sync, view.sync.message).toMatchObject({ ok: true, mode: 'incremental' });
    expect(view.sync.message).toMatch(/^1 project\(s\) active since .* updated/);
    c.incrementalListing(host.listings().slice(before));
    const [pushed] = (await search('bulk/repo-0042')).items;
    // The push was just now: a time read in the wrong zone would be hours off.
    expect(Math.abs(Date.parse(pushed.lastActivityAt) - Date.now())).toBeLessThan(10_000);
  });

  for (const [answer, how] of Object.entries(c.rateLimits)) {
    it(`waits out a rate limit signalled by ${answer}, and completes`, async () => {
      host.rateLimitNext(how, 2);
      const began = Date.now();
      await sync();
      const view = await settled();
      expect(view.sync, view.sync.message).toMatchObject({ ok: true, projects: 252 });
      expect(Date.now() - began).toBeGreaterThanOrEqual(1000);
      expect(view.sync.message).toMatch(/s waiting out rate limits/);
    });
  }

  it('drops a repository the token no longer sees on a full sync', async () => {
    host.remove('acme/old-portal');
    await sync();
    const view = await settled();
    expect(view.sync, view.sync.message).toMatchObject({ ok: true, projects: 251 });
    expect(view.sync.message).toContain('251 project(s) synced, 1 no longer visible removed');
    expect((await search('old-portal')).total).toBe(0);
  });

  it('records a refused token as a failed sync and keeps the repositories it had', async () => {
    const revoked = (await t.call(owner.token, { method: 'POST', url: '/api/credentials', payload: { groupId, name: 'revoked', kind: 'git_token', token: `${c.token}-revoked` } })).json().id;
    await t.call(owner.token, { method: 'PATCH', url: `/api/git-platforms/${platformId}`, payload: { credentialId: revoked } });
    await sync();
    const view = await settled();
    expect(view.sync).toMatchObject({ ok: false, projects: 251 });
    expect(view.sync.message).toMatch(/HTTP 401: the token was refused/);
    expect(view.sync.message).not.toContain(c.token);
    await t.call(owner.token, { method: 'PATCH', url: `/api/git-platforms/${platformId}`, payload: { credentialId } });
  });

  it('imports a synced repository over HTTPS with the platform token, linked to the platform', async () => {
    const [shop] = (await search('acme/shop-api')).items;
    // What the import dialog fills in; the stand-in serves plain http on the loopback, a real instance https.
    const gitUrl = shop.httpUrl.replace(/^http:/, 'https:');
    const payload = { groupId, name: 'shop-api', gitUrl, gitCredentialId: credentialId, preset: 'nodejs', defaultBranch: shop.defaultBranch, gitPlatformId: platformId, remoteProjectId: shop.remoteId };
    const created = await t.call(owner.token, { method: 'POST', url: '/api/projects', payload });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ gitUrl, gitPlatformId: platformId, remoteProjectId: shop.remoteId });
    const overSsh = await t.call(owner.token, { method: 'POST', url: '/api/projects', payload: { ...payload, name: 'shop-api-ssh', gitUrl: shop.sshUrl, gitCredentialId: undefined } });
    expect(overSsh.statusCode, overSsh.body).toBe(201);
  });

  it('is synced by the worker on its own, like GitLab', async () => {
    const other = (await t.call(owner.token, { method: 'POST', url: '/api/git-platforms', payload: { groupId, name: `${c.kind} 2`, kind: c.kind, baseUrl: `${host.url}/`, credentialId } })).json().id;
    const stop = scheduleGitSync({ db: t.db, secrets: t.app.secrets, privateHosts: 'all', log: { warn: () => undefined } }, { intervalMinutes: 60 });
    try {
      for (let i = 0; i < 600 && (await t.db.gitPlatform.findUniqueOrThrow({ where: { id: other } })).syncOk === null; i++) await new Promise((resolve) => setTimeout(resolve, 50));
      const synced = await t.db.gitPlatform.findUniqueOrThrow({ where: { id: other }, include: { _count: { select: { projects: true } } } });
      expect(synced.syncOk, synced.syncMessage ?? '').toBe(true);
      expect(synced._count.projects).toBe(251);
    } finally {
      stop();
    }
  });
});
