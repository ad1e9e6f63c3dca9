import { execFileSync } from 'node:child_process';
import { createSampleAppRepo, type SampleAppRepo } from '@rp/deploy-engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp, type TestUser } from './helpers/test-app.js';

describe('projects, presets, hook templates and Git refs', () => {
  let t: TestApp;
  let admin: TestUser;
  let owner: TestUser;
  let viewer: TestUser;
  let groupId: string;
  let repo: SampleAppRepo;

  beforeAll(async () => {
    t = await buildTestApp();
    repo = createSampleAppRepo();
    admin = await t.createUser({ isAdmin: true });
    groupId = (await t.createGroup()).id;
    owner = await t.createUser({ groupId, role: 'owner' });
    viewer = await t.createUser({ groupId, role: 'viewer' });
  });
  afterAll(async () => {
    repo?.remove();
    await t?.close();
  });

  const create = (payload: object, user = owner) => t.call(user.token, { method: 'POST', url: '/api/projects', payload: { groupId, ...payload } });
  const errorOf = async (payload: object) => {
    const response = await create({ name: `p${Math.random().toString(36).slice(2, 8)}`, gitUrl: repo.url, preset: 'shell', ...payload });
    expect(response.statusCode).toBe(400);
    return response.json().error.message as string;
  };

  it('serves presets for every project type', async () => {
    const response = await t.call(viewer.token, { method: 'GET', url: '/api/project-presets' });
    const ids = response.json().items.map((p: { id: string }) => p.id);
    expect(ids).toEqual(['java-jar', 'java-war', 'static', 'vue', 'nodejs', 'python', 'golang', 'php', 'shell']);
    const vue = response.json().items.find((p: { id: string }) => p.id === 'vue');
    expect(vue).toMatchObject({ buildCommand: expect.stringContaining('npm run build'), artifactPaths: ['dist'] });
  });

  it('fills what a project leaves out from its preset, and keeps what it sets', async () => {
    const response = await create({ name: 'shop-api', gitUrl: repo.url, preset: 'nodejs', sharedDirs: ['uploads'] });
    expect(response.statusCode).toBe(201);
    const project = response.json();
    expect(project).toMatchObject({
      name: 'shop-api',
      preset: 'nodejs',
      buildCommand: 'npm ci && npm run build --if-present && npm prune --omit=dev',
      sharedDirs: ['uploads'],
      sharedFiles: ['.env'],
      keepReleases: 5,
      packageCompression: 'gzip',
      healthCheck: { type: 'http', url: 'http://127.0.0.1:{{PORT}}/health', expectStatus: 200 },
      hooks: {},
      environmentCount: 0,
    });
    const explicit = await create({ name: 'no-check', gitUrl: repo.url, preset: 'nodejs', healthCheck: null, buildCommand: '', keepReleases: 50 });
    expect(explicit.json()).toMatchObject({ healthCheck: null, buildCommand: '', keepReleases: 50 });

    const patch = (payload: object) => t.call(owner.token, { method: 'PATCH', url: `/api/projects/${project.id}`, payload });
    expect((await patch({ healthCheck: null })).json().healthCheck).toBeNull();
    expect((await patch({ packageCompression: 'zstd' })).json().packageCompression).toBe('zstd');
    const command = await patch({ healthCheck: { type: 'command', command: 'test -f ready', retries: 0 } });
    expect(command.json().healthCheck).toEqual({ type: 'command', command: 'test -f ready', timeoutSeconds: 5, retries: 0, intervalSeconds: 2 });
    const token = await t.call(owner.token, { method: 'POST', url: '/api/credentials', payload: { groupId, name: 'shop token', kind: 'git_token', token: 't' } });
    const withToken = await patch({ gitUrl: 'https://git.example.com/shop.git', gitCredentialId: token.json().id });
    expect(withToken.json().gitCredentialId).toBe(token.json().id);
    expect((await patch({ gitCredentialId: null })).json().gitCredentialId).toBeNull();
    expect((await create({ name: 'shop-api', gitUrl: repo.url, preset: 'shell' })).statusCode).toBe(409);
  });

  it('validates Git URLs, paths, names, keep-releases and health checks', async () => {
    expect(await errorOf({ gitUrl: 'http://example.com/x.git' })).toMatch(/^body.gitUrl: must use https/);
    expect(await errorOf({ gitUrl: 'https://bob:hunter2@example.com/x.git' })).toMatch(/git_token credential/);
    expect(await errorOf({ gitUrl: 'ext::sh -c id' })).toMatch(/body.gitUrl/);
    expect(await errorOf({ artifactPaths: ['dist', '../etc'] })).toMatch(/^body.artifactPaths.1: must not contain/);
    expect(await errorOf({ sharedFiles: ['/etc/passwd'] })).toMatch(/body.sharedFiles/);
    expect(await errorOf({ sharedDirs: ['logs\nrm -rf /'] })).toMatch(/body.sharedDirs/);
    expect(await errorOf({ name: 'has space' })).toMatch(/body.name/);
    expect(await errorOf({ name: 'a..b' })).toMatch(/body.name/);
    expect(await errorOf({ description: 'two\nlines' })).toMatch(/body.description/);
    expect(await errorOf({ keepReleases: 0 })).toMatch(/body.keepReleases/);
    expect(await errorOf({ keepReleases: 51 })).toMatch(/body.keepReleases/);
    expect(await errorOf({ preset: 'cobol' })).toMatch(/body.preset/);
    expect(await errorOf({ packageCompression: 'xz' })).toMatch(/body.packageCompression/);
    expect(await errorOf({ hooks: { 'during-release': 'x' } })).toMatch(/during-release/);
    expect(await errorOf({ hooks: { 'before-release': 'x'.repeat(64 * 1024 + 1) } })).toMatch(/before-release/);
    expect(await errorOf({ healthCheck: { type: 'http', url: 'ftp://x' } })).toMatch(/healthCheck/);
    const command = await create({ name: 'cmd-check', gitUrl: 'git@gitlab.example.com:team/app.git', preset: 'shell', healthCheck: { type: 'command', command: 'curl -fsS localhost' } });
    expect(command.json().healthCheck).toEqual({ type: 'command', command: 'curl -fsS localhost', timeoutSeconds: 5, retries: 3, intervalSeconds: 2 });
  });

  it('merges hook changes, saves a hook as a template and applies templates by copying', async () => {
    const project = (await create({ name: 'hooks', gitUrl: repo.url, preset: 'shell', hooks: { 'before-release': 'echo one', 'after-release': 'echo two' } })).json();
    const patched = await t.call(owner.token, { method: 'PATCH', url: `/api/projects/${project.id}`, payload: { hooks: { 'after-release': null, 'before-checkout': 'echo zero' } } });
    expect(patched.json().hooks).toEqual({ 'before-release': 'echo one', 'before-checkout': 'echo zero' });

    const saved = await t.call(owner.token, {
      method: 'POST',
      url: '/api/hook-templates',
      payload: { groupId, name: 'announce', fromProject: { projectId: project.id, stage: 'before-release' } },
    });
    expect(saved.statusCode).toBe(201);
    expect(saved.json()).toMatchObject({ groupId, name: 'announce', script: 'echo one' });
    const missing = await t.call(owner.token, { method: 'POST', url: '/api/hook-templates', payload: { groupId, name: 'none', fromProject: { projectId: project.id, stage: 'after-release' } } });
    expect(missing.json().error.message).toMatch(/has no after-release hook/);

    await t.call(owner.token, { method: 'PATCH', url: `/api/hook-templates/${saved.json().id}`, payload: { script: 'echo edited template' } });
    const applied = await t.call(owner.token, { method: 'POST', url: `/api/projects/${project.id}/hooks/after-release/apply-template`, payload: { templateId: saved.json().id } });
    expect(applied.statusCode).toBe(200);
    expect(applied.json().hooks['after-release']).toBe('echo edited template');
    expect(applied.json().hooks['before-release']).toBe('echo one');

    const global = await t.call(admin.token, { method: 'POST', url: '/api/hook-templates', payload: { name: 'global notify', script: 'curl -fsS https://hooks.example/notify' } });
    expect((await t.call(owner.token, { method: 'POST', url: `/api/projects/${project.id}/hooks/before-checkout/apply-template`, payload: { templateId: global.json().id } })).statusCode).toBe(200);
    const foreignGroup = await t.createGroup();
    const foreign = await t.call(admin.token, { method: 'POST', url: '/api/hook-templates', payload: { groupId: foreignGroup.id, name: 'theirs', script: 'x' } });
    expect((await t.call(owner.token, { method: 'POST', url: `/api/projects/${project.id}/hooks/before-checkout/apply-template`, payload: { templateId: foreign.json().id } })).statusCode).toBe(404);

    const listed = await t.call(viewer.token, { method: 'GET', url: '/api/hook-templates?q=NOTIFY' });
    expect(listed.json().items.map((i: { name: string }) => i.name)).toEqual(['global notify']);
    const trail = await t.call(admin.token, { method: 'GET', url: `/api/audit?resourceType=project&resourceId=${project.id}` });
    expect(trail.json().items[0].details).toMatchObject({
      changes: { 'hooks.before-checkout': { from: 'echo zero', to: 'curl -fsS https://hooks.example/notify' } },
      fromTemplate: { name: 'global notify' },
    });
  });

  it('lists branches and tags of the repository, cached for 30 seconds', async () => {
    execFileSync('git', ['tag', '-a', 'v1.0.0', '-m', 'first'], { cwd: repo.dir });
    const project = (await create({ name: 'refs', gitUrl: repo.url, preset: 'shell' })).json();
    const first = await t.call(viewer.token, { method: 'GET', url: `/api/projects/${project.id}/refs` });
    expect(first.statusCode).toBe(200);
    expect(first.json().branches).toEqual([{ name: 'main', sha: repo.commits[0] }]);
    expect(first.json().tags).toEqual([{ name: 'v1.0.0', sha: repo.commits[0] }]);

    execFileSync('git', ['branch', 'feature/x'], { cwd: repo.dir });
    const cached = await t.call(viewer.token, { method: 'GET', url: `/api/projects/${project.id}/refs` });
    expect(cached.json()).toEqual(first.json());
    const refreshed = await t.call(viewer.token, { method: 'GET', url: `/api/projects/${project.id}/refs?refresh=true` });
    expect(refreshed.json().branches.map((b: { name: string }) => b.name).sort()).toEqual(['feature/x', 'main']);
  });

  it('answers 502 with a clear message when the repository cannot be read, never leaking the token', async () => {
    const unreachable = (await create({ name: 'gone', gitUrl: 'file:///nonexistent/repo.git', preset: 'shell' })).json();
    const response = await t.call(viewer.token, { method: 'GET', url: `/api/projects/${unreachable.id}/refs` });
    expect(response.statusCode).toBe(502);
    expect(response.json().error).toMatchObject({ code: 'BAD_GATEWAY', message: expect.stringContaining('Cannot list branches and tags of file:///nonexistent/repo.git') });

    const token = await t.call(owner.token, { method: 'POST', url: '/api/credentials', payload: { groupId, name: 'gitlab-token', kind: 'git_token', token: 'glpat-TOPSECRET-123' } });
    // Port 9 on loopback refuses the connection at once; git's error repeats the URL it was given.
    const withToken = (await create({ name: 'private', gitUrl: 'https://127.0.0.1:9/team/app.git', gitCredentialId: token.json().id, preset: 'shell' })).json();
    const failed = await t.call(viewer.token, { method: 'GET', url: `/api/projects/${withToken.id}/refs` });
    expect(failed.statusCode).toBe(502);
    expect(failed.body).not.toContain('TOPSECRET');
    expect(failed.json().error.message).toContain('https://127.0.0.1:9/team/app.git');

    expect(await errorOf({ gitUrl: 'git@gitlab.example.com:team/app.git', gitCredentialId: token.json().id })).toMatch(/needs an https/);
    const key = await t.call(owner.token, { method: 'POST', url: '/api/credentials', payload: { groupId, name: 'a key', kind: 'ssh_key', generate: true } });
    expect(await errorOf({ gitUrl: 'https://gitlab.example.com/x.git', gitCredentialId: key.json().id })).toMatch(/git_token/);
  });

  it('lists projects of the caller\'s groups with search and pagination', async () => {
    const all = await t.call(viewer.token, { method: 'GET', url: '/api/projects?pageSize=200' });
    expect(all.json().total).toBeGreaterThanOrEqual(6);
    const searched = await t.call(viewer.token, { method: 'GET', url: '/api/projects?q=SHOP' });
    expect(searched.json().items.map((p: { name: string }) => p.name)).toEqual(['shop-api']);
    const page = await t.call(viewer.token, { method: 'GET', url: '/api/projects?page=2&pageSize=2' });
    expect(page.json()).toMatchObject({ page: 2, pageSize: 2, total: all.json().total });
    expect(page.json().items).toHaveLength(2);
    const outsider = await t.createUser();
    expect((await t.call(outsider.token, { method: 'GET', url: '/api/projects' })).json().total).toBe(0);
  });
});
