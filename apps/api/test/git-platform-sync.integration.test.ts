import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scheduleGitSync } from '../src/git-platforms/sync-schedule.js';
import { startGitLabStandIn, type GitLabStandIn } from './helpers/gitlab-stand-in/index.js';
import { platformSync } from './helpers/platform-sync.js';
import { buildTestApp, type TestApp, type TestUser } from './helpers/test-app.js';

const TOKEN = 'glpat-sync-test-0001';

describe('GitLab project sync', () => {
  let t: TestApp;
  let owner: TestUser;
  let viewer: TestUser;
  let groupId: string;
  let gitlab: GitLabStandIn;
  let platformId: string;

  beforeAll(async () => {
    gitlab = await startGitLabStandIn({ token: TOKEN, basePath: '/gitlab' });
    gitlab.addProject({ path: 'shop-api', namespace: 'backend', description: 'the shop API', defaultBranch: 'main' });
    gitlab.addProject({ path: 'old-portal', namespace: 'web', archived: true });
    gitlab.addManyProjects(1200, { namespace: 'bulk' });
    t = await buildTestApp({ GIT_ALLOW_PRIVATE_HOSTS: 'true' });
    groupId = (await t.createGroup()).id;
    owner = await t.createUser({ groupId, role: 'owner' });
    viewer = await t.createUser({ groupId, role: 'viewer' });
    const credentialId = (await t.call(owner.token, { method: 'POST', url: '/api/credentials', payload: { groupId, name: 'gitlab bot', kind: 'git_token', token: TOKEN } })).json().id;
    platformId = (await t.call(owner.token, { method: 'POST', url: '/api/git-platforms', payload: { groupId, name: 'GitLab', kind: 'gitlab', baseUrl: gitlab.url, credentialId } })).json().id;
  });
  afterAll(async () => {
    await t?.close();
    await gitlab?.close();
  });

  const { platform, sync, settled, search } = platformSync(() => ({ t, owner, viewer, platformId }));

  it('stores every project the token sees, by keyset pages, and searches them by namespace or name', async () => {
    const started = await sync();
    expect(started.statusCode).toBe(202);
    expect(started.json().sync.runningSince).not.toBeNull();
    const view = await settled();
    expect(view.sync).toMatchObject({ ok: true, mode: 'full', projects: 1202 });
    expect(view.sync.message).toContain('1202 project(s) synced');

    const pages = gitlab.requests.filter((r) => r.path === '/projects');
    expect(pages.length).toBe(13);
    expect(pages.every((r) => r.authorised && r.query.pagination === 'keyset' && r.query.order_by === 'id' && r.query.per_page === '100')).toBe(true);

    const found = await search('BACKEND/shop');
    expect(found.total).toBe(1);
    expect(found.items[0]).toMatchObject({ pathWithNamespace: 'backend/shop-api', description: 'the shop API', defaultBranch: 'main', archived: false });
    expect(found.items[0].httpUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/gitlab\/backend\/shop-api\.git$/);
    expect((await search('old-portal')).items[0].archived).toBe(true);
    expect((await search('bulk/')).total).toBe(1200);
  });

  it('refuses a second sync while one runs, and says since when', async () => {
    const first = await sync();
    expect(first.statusCode).toBe(202);
    const second = await sync();
    expect(second.statusCode).toBe(409);
    expect(second.json().error.message).toMatch(/running since/);
    await settled();
  });

  it('drops projects the token no longer sees on a full sync; an incremental one asks only for recent activity', async () => {
    gitlab.addProject({ path: 'new-service', namespace: 'backend' });
    const incremental = await sync({ mode: 'incremental' });
    expect(incremental.statusCode).toBe(202);
    const view = await settled();
    expect(view.sync.mode).toBe('incremental');
    expect(gitlab.requests.at(-1)?.query.last_activity_after).toBeDefined();
    expect((await search('new-service')).total).toBe(1);

    await t.db.gitRemoteProject.create({ data: { platformId, remoteId: 999_999_999n, pathWithNamespace: 'gone/project', name: 'project', httpUrl: 'https://x/gone.git', webUrl: 'https://x/gone', seenAt: new Date(0) } });
    await sync({ mode: 'full' });
    expect((await settled()).sync.message).toContain('1 no longer visible removed');
    expect((await search('gone/')).total).toBe(0);
  });

  it('waits out a 429 as GitLab asks and still completes', async () => {
    gitlab.rateLimitNext(2, 1);
    const began = Date.now();
    await sync();
    const view = await settled();
    expect(view.sync.ok).toBe(true);
    expect(Date.now() - began).toBeGreaterThanOrEqual(2000);
    expect(view.sync.message).toMatch(/waiting out rate limits/);
  });

  it('records a refused token as a failed sync and keeps the projects it had', async () => {
    const before = (await platform()).sync.projects;
    const stale = (await t.call(owner.token, { method: 'POST', url: '/api/credentials', payload: { groupId, name: 'revoked', kind: 'git_token', token: 'glpat-revoked' } })).json().id;
    await t.call(owner.token, { method: 'PATCH', url: `/api/git-platforms/${platformId}`, payload: { credentialId: stale } });
    await sync();
    const view = await settled();
    expect(view.sync).toMatchObject({ ok: false, projects: before });
    expect(view.sync.message).toMatch(/401/);
    const good = (await t.call(owner.token, { method: 'POST', url: '/api/credentials', payload: { groupId, name: 'good again', kind: 'git_token', token: TOKEN } })).json().id;
    await t.call(owner.token, { method: 'PATCH', url: `/api/git-platforms/${platformId}`, payload: { credentialId: good } });
  });

  it('lets the worker sync platforms on its own, never twice at once', async () => {
    const other = (await t.call(owner.token, { method: 'POST', url: '/api/git-platforms', payload: { groupId, name: 'second', kind: 'gitlab', baseUrl: `${gitlab.url}/`, credentialId: (await platform()).credentialId } })).json().id;
    const requestsBefore = gitlab.requests.length;
    const deps = { db: t.db, secrets: t.app.secrets, privateHosts: 'all' as const, log: { warn: () => undefined } };
    // Two workers start their schedules at the same moment: each platform is synced once.
    const stops = [scheduleGitSync(deps, { intervalMinutes: 60 }), scheduleGitSync(deps, { intervalMinutes: 60 })];
    try {
      for (let i = 0; i < 600 && (await t.db.gitPlatform.findUniqueOrThrow({ where: { id: other } })).syncOk === null; i++) await new Promise((resolve) => setTimeout(resolve, 50));
      const synced = await t.db.gitPlatform.findUniqueOrThrow({ where: { id: other }, include: { _count: { select: { projects: true } } } });
      expect(synced.syncOk).toBe(true);
      expect(synced._count.projects).toBe(1203);
      const pageRequests = gitlab.requests.slice(requestsBefore).filter((r) => r.path === '/projects' && !r.query.last_activity_after);
      expect(pageRequests.length).toBe(13);
    } finally {
      for (const stop of stops) stop();
    }
  });

  it('imports a synced project linked to its platform, and refuses a link the sync does not know', async () => {
    const [shop] = (await search('backend/shop-api')).items;
    // Projects take https Git URLs only; the stand-in serves plain http on the loopback, so the URL is the https form.
    const gitUrl = 'https://gitlab.example.com/backend/shop-api.git';
    const payload = { groupId, name: 'shop-api', gitUrl, preset: 'nodejs', defaultBranch: shop.defaultBranch, gitPlatformId: platformId, remoteProjectId: shop.remoteId };
    const created = await t.call(owner.token, { method: 'POST', url: '/api/projects', payload });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ gitUrl, defaultBranch: 'main', gitPlatformId: platformId, remoteProjectId: shop.remoteId });

    const unknown = await t.call(owner.token, { method: 'POST', url: '/api/projects', payload: { ...payload, name: 'unknown', remoteProjectId: '987654321' } });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.message).toMatch(/sync it first/);
    const alone = await t.call(owner.token, { method: 'POST', url: '/api/projects', payload: { ...payload, name: 'alone', gitPlatformId: undefined } });
    expect(alone.statusCode).toBe(400);
    const elsewhere = (await t.createGroup()).id;
    const admin = await t.createUser({ isAdmin: true });
    const foreign = await t.call(admin.token, { method: 'POST', url: '/api/projects', payload: { ...payload, groupId: elsewhere, name: 'foreign' } });
    expect(foreign.statusCode).toBe(400);
    expect(JSON.stringify(foreign.json())).toContain('gitPlatformId');

    const unlinked = await t.call(owner.token, { method: 'PATCH', url: `/api/projects/${created.json().id}`, payload: { gitPlatformId: null } });
    expect(unlinked.json()).toMatchObject({ gitPlatformId: null, remoteProjectId: null });
  });

  it('lets only owners start a sync, in a mode it knows', async () => {
    const viewerSync = await t.call(viewer.token, { method: 'POST', url: `/api/git-platforms/${platformId}/sync` });
    expect(viewerSync.statusCode).toBe(403);
    const bad = await t.call(owner.token, { method: 'POST', url: `/api/git-platforms/${platformId}/sync`, payload: { mode: 'everything' } });
    expect(bad.statusCode).toBe(400);
  });
});
