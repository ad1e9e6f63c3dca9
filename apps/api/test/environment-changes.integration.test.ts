import { createSampleAppRepo, type SampleAppRepo } from '@rp/deploy-engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitLabStandIn, type GitLabStandIn } from './helpers/gitlab-stand-in/index.js';
import { buildTestApp, type TestApp, type TestUser } from './helpers/test-app.js';

const TOKEN = 'glpat-changes-test';

describe('what a release would change', () => {
  let t: TestApp;
  let viewer: TestUser;
  let creatorId: string;
  let groupId: string;
  let repo: SampleAppRepo;
  let gitlab: GitLabStandIn;

  beforeAll(async () => {
    repo = createSampleAppRepo();
    for (let i = 1; i <= 4; i++) repo.addCommit({ message: `change ${i}` });
    gitlab = await startGitLabStandIn({ token: TOKEN });
    t = await buildTestApp({ GIT_ALLOW_PRIVATE_HOSTS: 'true', ALLOW_FILE_GIT_URLS: 'true' });
    groupId = (await t.createGroup()).id;
    viewer = await t.createUser({ groupId, role: 'viewer' });
    creatorId = (await t.createUser({ groupId, role: 'developer' })).id;
  });
  afterAll(async () => {
    await t?.close();
    await gitlab?.close();
    repo?.remove();
  });

  const rand = () => Math.random().toString(36).slice(2, 8);
  async function environment(project: { gitUrl: string; gitPlatformId?: string; remoteProjectId?: bigint }) {
    const created = await t.db.project.create({ data: { groupId, name: `p-${rand()}`, preset: 'shell', ...project } });
    return t.db.environment.create({ data: { projectId: created.id, name: 'prod', deployPath: '/srv/app', rollout: { strategy: 'parallel' } } });
  }
  const release = async (environmentId: string, commit: string, extra: object = {}) => {
    const env = await t.db.environment.findUniqueOrThrow({ where: { id: environmentId } });
    return t.db.release.create({
      data: { projectId: env.projectId, environmentId, state: 'succeeded', ref: 'main', commit, rollout: { strategy: 'parallel' }, createdById: creatorId, finishedAt: new Date(), ...extra },
    });
  };
  const changes = (environmentId: string, ref: string) => t.call(viewer.token, { method: 'GET', url: `/api/environments/${environmentId}/changes?ref=${encodeURIComponent(ref)}` });

  it('says there is nothing to compare before the first release', async () => {
    const env = await environment({ gitUrl: repo.url });
    const first = await changes(env.id, 'main');
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ ref: 'main', from: null, commits: [], source: 'git' });
    expect(first.json().note).toMatch(/Nothing has been released/);
  });

  it('lists the commits after the running one with git, newest first; a rollback counts as the release it went back to', async () => {
    const env = await environment({ gitUrl: repo.url });
    const older = await release(env.id, repo.commits[1] ?? '');
    await release(env.id, repo.commits[3] ?? '');
    const after = (await changes(env.id, 'main')).json();
    expect(after).toMatchObject({ source: 'git', truncated: false, note: null, from: { commit: repo.commits[3], ref: 'main' } });
    expect(after.commits.map((c: { sha: string }) => c.sha)).toEqual(repo.commits.slice(4).reverse());
    expect(after.commits[0]).toMatchObject({ message: 'change 4', webUrl: null });

    await release(env.id, repo.commits[3] ?? '', { kind: 'rollback', rollbackToId: older.id, finishedAt: new Date(Date.now() + 1000) });
    const rolledBack = (await changes(env.id, 'main')).json();
    expect(rolledBack.from.commit).toBe(repo.commits[1]);
    expect(rolledBack.commits).toHaveLength(repo.commits.length - 2);
  });

  it('says so when the running commit is not in the ref\'s history, and refuses an unknown or hostile ref', async () => {
    const env = await environment({ gitUrl: repo.url });
    await release(env.id, 'e'.repeat(40));
    const elsewhere = (await changes(env.id, 'main')).json();
    expect(elsewhere).toMatchObject({ commits: [] });
    expect(elsewhere.note).toMatch(/not in the history of main/);
    expect((await changes(env.id, 'no-such-branch')).statusCode).toBe(400);
    expect((await changes(env.id, '--upload-pack=touch /tmp/x')).statusCode).toBe(400);
  });

  it('asks GitLab\'s compare API for a linked project, with links to GitLab', async () => {
    const remote = gitlab.addProject({ path: 'shop', namespace: 'backend' });
    const base = gitlab.commit(remote.id, { branch: 'main', message: 'base' });
    const added = [gitlab.commit(remote.id, { branch: 'main', message: 'feature one' }), gitlab.commit(remote.id, { branch: 'main', message: 'feature two' })];
    const credentialId = (await t.db.credential.create({ data: { groupId, name: `tok-${rand()}`, kind: 'git_token', secret: t.app.secrets.encrypt(TOKEN), boundHost: '127.0.0.1' } })).id;
    const platform = await t.db.gitPlatform.create({ data: { groupId, name: `gl-${rand()}`, kind: 'gitlab', baseUrl: gitlab.url, credentialId } });
    const env = await environment({ gitUrl: 'https://gitlab.example.com/backend/shop.git', gitPlatformId: platform.id, remoteProjectId: BigInt(remote.id) });
    await release(env.id, base);
    const out = await changes(env.id, 'main');
    expect(out.statusCode, out.body).toBe(200);
    expect(out.json()).toMatchObject({ source: 'gitlab', from: { commit: base }, note: null, truncated: false });
    expect(out.json().commits.map((c: { sha: string }) => c.sha)).toEqual([...added].reverse());
    expect(out.json().commits[0]).toMatchObject({ message: 'feature two' });
    expect(out.json().commits[0].webUrl).toContain(`/backend/shop/-/commit/${added[1]}`);
    expect(out.body).not.toContain(TOKEN);
    expect(gitlab.requests.some((r) => r.path.endsWith('/repository/compare') && r.query.from === base && r.query.to === 'main')).toBe(true);
  });

  it('takes a linked project\'s branches, tags and recent commits from GitLab, with links', async () => {
    const remote = gitlab.addProject({ path: 'billing', namespace: 'backend' });
    const head = gitlab.commit(remote.id, { branch: 'release/2.0', message: 'ready for 2.0' });
    await gitlab.deliverTagPush(remote.id, { tag: 'v2.0.0', sha: head });
    const credentialId = (await t.db.credential.create({ data: { groupId, name: `tok-${rand()}`, kind: 'git_token', secret: t.app.secrets.encrypt(TOKEN), boundHost: '127.0.0.1' } })).id;
    const platform = await t.db.gitPlatform.create({ data: { groupId, name: `gl-${rand()}`, kind: 'gitlab', baseUrl: gitlab.url, credentialId } });
    const project = await t.db.project.create({
      data: { groupId, name: `billing-${rand()}`, preset: 'shell', gitUrl: 'https://gitlab.example.com/backend/billing.git', gitPlatformId: platform.id, remoteProjectId: BigInt(remote.id) },
    });
    const refs = await t.call(viewer.token, { method: 'GET', url: `/api/projects/${project.id}/refs` });
    expect(refs.statusCode, refs.body).toBe(200);
    expect(refs.json().branches).toEqual(expect.arrayContaining([{ name: 'release/2.0', sha: head }]));
    expect(refs.json().tags).toEqual([{ name: 'v2.0.0', sha: head }]);
    const commits = await t.call(viewer.token, { method: 'GET', url: `/api/projects/${project.id}/commits?ref=${encodeURIComponent('release/2.0')}&limit=5` });
    expect(commits.statusCode, commits.body).toBe(200);
    expect(commits.json().ref).toBe('release/2.0');
    expect(commits.json().commits.map((c: { message: string }) => c.message)).toEqual(['ready for 2.0', 'Initial commit']);
    expect(commits.json().commits[0]).toMatchObject({ sha: head, author: 'Stand-in Author' });
    expect(commits.json().commits[0].webUrl).toContain(`/-/commit/${head}`);
    const defaults = (await t.call(viewer.token, { method: 'GET', url: `/api/projects/${project.id}/commits` })).json();
    expect(defaults.ref).toBe('main');
    expect(gitlab.requests.some((r) => r.path === `/projects/${remote.id}/repository/branches`)).toBe(true);
  });
});
