import { createServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGiteeStandIn, type GiteeStandIn } from './helpers/gitee-stand-in.js';
import { startGitHubStandIn, type GitHubStandIn } from './helpers/github-stand-in.js';
import { startGitLabStandIn, type GitLabStandIn } from './helpers/gitlab-stand-in/index.js';
import { buildTestApp, type TestApp, type TestUser } from './helpers/test-app.js';

const GITLAB_TOKEN = 'glpat-platform-test-0001';

/** A loopback port nothing listens on (fetch refuses low ones such as 1 before it even connects). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('Git platforms', () => {
  let t: TestApp;
  let admin: TestUser;
  let owner: TestUser;
  let developer: TestUser;
  let outsider: TestUser;
  let groupId: string;
  let otherGroupId: string;
  let gitlab: GitLabStandIn;
  let github: GitHubStandIn;
  let gitee: GiteeStandIn;

  beforeAll(async () => {
    [gitlab, github, gitee] = await Promise.all([
      startGitLabStandIn({ token: GITLAB_TOKEN, basePath: '/tools/gitlab', username: 'deploy-bot', scopes: ['api', 'read_repository'] }),
      startGitHubStandIn({ token: 'ghp_platform_test', login: 'octo-deployer', scopes: ['repo', 'admin:repo_hook'] }),
      startGiteeStandIn({ token: 'gitee-platform-test', login: 'gitee-deployer' }),
    ]);
    // The stand-ins listen on the loopback, which only GIT_ALLOW_PRIVATE_HOSTS=true lets the platform reach.
    t = await buildTestApp({ GIT_ALLOW_PRIVATE_HOSTS: 'true' });
    admin = await t.createUser({ isAdmin: true });
    groupId = (await t.createGroup()).id;
    otherGroupId = (await t.createGroup()).id;
    owner = await t.createUser({ groupId, role: 'owner' });
    developer = await t.createUser({ groupId, role: 'developer' });
    outsider = await t.createUser({ groupId: otherGroupId, role: 'owner' });
  });
  afterAll(async () => {
    await t?.close();
    await Promise.all([gitlab?.close(), github?.close(), gitee?.close()]);
  });

  const call = (user: TestUser, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) => t.call(user.token, { method, url, ...(payload ? { payload } : {}) });
  const token = async (user: TestUser, name: string, secret: string, group: string | null = groupId) => {
    const response = await call(user, 'POST', '/api/credentials', { groupId: group, name, kind: 'git_token', token: secret });
    expect(response.statusCode).toBe(201);
    return response.json().id as string;
  };
  const create = (user: TestUser, payload: object) => call(user, 'POST', '/api/git-platforms', payload);

  it('registers a GitLab under a sub-path and tests its token: the user and scopes show, the token never does', async () => {
    const credentialId = await token(owner, 'gitlab bot', GITLAB_TOKEN);
    const created = await create(owner, { groupId, name: 'Company GitLab', kind: 'gitlab', baseUrl: `${gitlab.url}/`, credentialId });
    expect(created.statusCode).toBe(201);
    const platform = created.json();
    expect(platform).toMatchObject({ groupId, name: 'Company GitLab', kind: 'gitlab', baseUrl: gitlab.url, credentialId, credentialName: 'gitlab bot' });
    expect(platform.check).toEqual({ checkedAt: null, ok: null, message: null, tokenUser: null, tokenScopes: [] });
    // The token is bound to the platform's host, as a project binds its token.
    expect((await t.db.credential.findUniqueOrThrow({ where: { id: credentialId } })).boundHost).toBe('127.0.0.1');

    const tested = await call(owner, 'POST', `/api/git-platforms/${platform.id}/test`);
    expect(tested.statusCode).toBe(200);
    expect(tested.json().check).toMatchObject({ ok: true, tokenUser: 'deploy-bot', tokenScopes: ['api', 'read_repository'] });
    expect(tested.json().check.message).toContain('deploy-bot');
    // It went to the sub-path, with the token in GitLab's header.
    expect(gitlab.requests.some((r) => r.path === '/user' && r.authorised)).toBe(true);

    for (const response of [tested, await call(developer, 'GET', `/api/git-platforms/${platform.id}`), await call(developer, 'GET', '/api/git-platforms')]) {
      expect(response.statusCode).toBe(200);
      expect(response.body).not.toContain(GITLAB_TOKEN);
    }
    const audit = await t.db.auditLog.findMany({ where: { resourceId: platform.id } });
    expect(audit.map((a) => a.action).sort()).toEqual(['git_platform.create', 'git_platform.test']);
    expect(JSON.stringify(audit.map((a) => a.details))).not.toContain(GITLAB_TOKEN);
  });

  it('keeps a refused token and an unreachable address as the test result, with the reason', async () => {
    const wrong = await create(owner, { groupId, name: 'wrong token', kind: 'gitlab', baseUrl: gitlab.url, credentialId: await token(owner, 'stale', 'glpat-revoked') });
    const refused = await call(owner, 'POST', `/api/git-platforms/${wrong.json().id}/test`);
    expect(refused.statusCode).toBe(200);
    expect(refused.json().check).toMatchObject({ ok: false, tokenUser: null });
    expect(refused.json().check.message).toMatch(/401.*refused/);
    expect(refused.body).not.toContain('glpat-revoked');

    const closed = await create(owner, { groupId, name: 'nobody home', kind: 'gitlab', baseUrl: `http://127.0.0.1:${await closedPort()}`, credentialId: await token(owner, 'unused', 'glpat-x') });
    const unreachable = await call(owner, 'POST', `/api/git-platforms/${closed.json().id}/test`);
    expect(unreachable.json().check).toMatchObject({ ok: false });
    expect(unreachable.json().check.message).toContain('ECONNREFUSED');
  });

  it('tests GitHub (Enterprise API path) and Gitee tokens the way each documents', async () => {
    const hub = await create(owner, { groupId, name: 'GHE', kind: 'github', baseUrl: github.url, credentialId: await token(owner, 'gh', 'ghp_platform_test') });
    const hubTest = await call(owner, 'POST', `/api/git-platforms/${hub.json().id}/test`);
    expect(hubTest.json().check).toMatchObject({ ok: true, tokenUser: 'octo-deployer', tokenScopes: ['repo', 'admin:repo_hook'] });

    const tee = await create(owner, { groupId, name: 'Gitee', kind: 'gitee', baseUrl: gitee.url, credentialId: await token(owner, 'gitee', 'gitee-platform-test') });
    const teeTest = await call(owner, 'POST', `/api/git-platforms/${tee.json().id}/test`);
    expect(teeTest.json().check).toMatchObject({ ok: true, tokenUser: 'gitee-deployer', tokenScopes: [] });
  });

  it('refuses bad input with the field and the reason, and changes nothing', async () => {
    const credentialId = await token(owner, 'for bad input', 'glpat-bad-input');
    const sshKey = (await call(owner, 'POST', '/api/credentials', { groupId, name: 'a key', kind: 'ssh_key', generate: true })).json().id as string;
    const otherGroups = await token(outsider, 'theirs', 'glpat-theirs', otherGroupId);
    const before = await t.db.gitPlatform.count();
    const cases: [object, number, string][] = [
      [{ baseUrl: 'ftp://gitlab.example.com' }, 400, 'baseUrl'],
      [{ baseUrl: 'https://user:pw@gitlab.example.com' }, 400, 'baseUrl'],
      [{ baseUrl: 'https://gitlab.example.com/?x=1' }, 400, 'baseUrl'],
      [{ baseUrl: 'http://gitlab.example.com' }, 400, 'baseUrl'],
      [{ baseUrl: 'https://169.254.169.254' }, 400, 'baseUrl'],
      [{ kind: 'bitbucket' }, 400, 'kind'],
      [{ name: ' padded ' }, 400, 'name'],
      [{ credentialId: 'not-a-uuid' }, 400, 'credentialId'],
      [{ credentialId: sshKey }, 400, 'credentialId'],
      [{ credentialId: otherGroups }, 400, 'credentialId'],
      [{ extra: true }, 400, 'extra'],
    ];
    for (const [change, status, field] of cases) {
      const response = await create(owner, { groupId, name: 'bad', kind: 'gitlab', baseUrl: 'https://gitlab.example.com', credentialId, ...change });
      expect(response.statusCode, JSON.stringify(change)).toBe(status);
      expect(JSON.stringify(response.json()), JSON.stringify(change)).toContain(field);
    }
    expect(await t.db.gitPlatform.count()).toBe(before);
  });

  it('never sends a token to a second host, and will not delete a token a platform uses', async () => {
    const credentialId = await token(owner, 'bound once', 'glpat-bound');
    expect((await create(owner, { groupId, name: 'first', kind: 'gitlab', baseUrl: 'https://gitlab-a.example.com', credentialId })).statusCode).toBe(201);
    const second = await create(owner, { groupId, name: 'second', kind: 'gitlab', baseUrl: 'https://gitlab-b.example.com', credentialId });
    expect(second.statusCode).toBe(400);
    expect(second.json().error.message).toContain('gitlab-a.example.com');
    expect((await create(owner, { groupId, name: 'first', kind: 'gitlab', baseUrl: 'https://gitlab-a.example.com', credentialId })).statusCode).toBe(409);

    const removeToken = await call(owner, 'DELETE', `/api/credentials/${credentialId}`);
    expect(removeToken.statusCode).toBe(409);
    expect(removeToken.json().error.message).toContain('1 Git platform');
    const rebind = await call(owner, 'PATCH', `/api/credentials/${credentialId}`, { boundHost: 'gitlab-b.example.com' });
    expect(rebind.statusCode).toBe(409);
    expect(rebind.json().error.message).toContain('Git platform "first"');
  });

  it('forgets the last test when the address or token changes, and deletes a platform but keeps its token', async () => {
    const credentialId = await token(owner, 'changing', GITLAB_TOKEN);
    const id = (await create(owner, { groupId, name: 'changing', kind: 'gitlab', baseUrl: gitlab.url, credentialId })).json().id as string;
    expect((await call(owner, 'POST', `/api/git-platforms/${id}/test`)).json().check.ok).toBe(true);
    const renamed = await call(owner, 'PATCH', `/api/git-platforms/${id}`, { name: 'renamed' });
    expect(renamed.json()).toMatchObject({ name: 'renamed', check: { ok: true } });
    const moved = await call(owner, 'PATCH', `/api/git-platforms/${id}`, { baseUrl: `${gitlab.url}/` });
    expect(moved.json().check).toMatchObject({ ok: true });
    const newToken = await token(owner, 'replacement', 'glpat-replacement');
    const retokened = await call(owner, 'PATCH', `/api/git-platforms/${id}`, { credentialId: newToken });
    expect(retokened.json().check).toEqual({ checkedAt: null, ok: null, message: null, tokenUser: null, tokenScopes: [] });

    expect((await call(developer, 'DELETE', `/api/git-platforms/${id}`)).statusCode).toBe(403);
    expect((await call(owner, 'DELETE', `/api/git-platforms/${id}`)).statusCode).toBe(204);
    expect(await t.db.gitPlatform.count({ where: { id } })).toBe(0);
    expect(await t.db.credential.count({ where: { id: newToken } })).toBe(1);
  });

  it('shows members their groups\' platforms and the global ones; only administrators make global ones', async () => {
    const globalToken = await token(admin, 'global bot', 'glpat-global', null);
    expect((await create(owner, { groupId: null, name: 'global by owner', kind: 'gitlab', baseUrl: 'https://gitlab.example.org', credentialId: globalToken })).statusCode).toBe(403);
    const global = await create(admin, { groupId: null, name: 'Global GitLab', kind: 'gitlab', baseUrl: 'https://gitlab.example.org', credentialId: globalToken });
    expect(global.statusCode).toBe(201);
    // A group platform may use a global token; a global platform may not use a group's.
    const groupToken = await token(owner, 'group only', 'glpat-group-only');
    const leaked = await create(admin, { groupId: null, name: 'global with group token', kind: 'gitlab', baseUrl: 'https://gitlab.example.net', credentialId: groupToken });
    expect(leaked.statusCode).toBe(400);

    const names = async (user: TestUser) => ((await call(user, 'GET', '/api/git-platforms?pageSize=100')).json().items as { name: string }[]).map((p) => p.name);
    expect(await names(outsider)).toEqual(['Global GitLab']);
    expect(await names(developer)).toContain('Global GitLab');
    expect(await names(developer)).toContain('Company GitLab');
    const page = (await call(admin, 'GET', '/api/git-platforms?pageSize=2&page=1')).json();
    expect(page.items).toHaveLength(2);
    expect(page.total).toBeGreaterThan(2);
  });
});
