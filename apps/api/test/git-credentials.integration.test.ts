import path from 'node:path';
import { createSampleAppRepo, type SampleAppRepo } from '@rp/deploy-engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHttpsServer } from './helpers/git-https-server.js';
import { buildTestApp, type TestApp, type TestUser } from './helpers/test-app.js';

const TOKEN = 'glpat-Tok/With@Plus+Pct%-4711';
const tokenForms = [TOKEN, encodeURIComponent(TOKEN), Buffer.from(`ci-bot:${TOKEN}`).toString('base64')];

describe('Git tokens: askpass only, bound to one host', () => {
  let t: TestApp;
  let owner: TestUser;
  let groupId: string;
  let repo: SampleAppRepo;
  let server: Awaited<ReturnType<typeof startGitHttpsServer>>;
  const home = process.env.HOME;

  beforeAll(async () => {
    repo = createSampleAppRepo();
    server = await startGitHttpsServer({ root: path.dirname(repo.dir), username: 'ci-bot', password: TOKEN });
    // Git children inherit HOME only; the server's certificate is trusted through the git config there.
    process.env.HOME = server.home;
    t = await buildTestApp();
    groupId = (await t.createGroup()).id;
    owner = await t.createUser({ groupId, role: 'owner' });
  });
  afterAll(async () => {
    process.env.HOME = home;
    await t?.close();
    await server?.close();
    repo?.remove();
  });

  const post = (url: string, payload: object) => t.call(owner.token, { method: 'POST', url, payload });
  const project = (name: string, gitUrl: string, gitCredentialId: string) => post('/api/projects', { groupId, name, gitUrl, gitCredentialId, preset: 'shell' });

  it('lists refs and commits through a Basic-auth server with the token given to git by askpass, never in argv', async () => {
    const credential = (await post('/api/credentials', { groupId, name: 'gitlab', kind: 'git_token', username: 'ci-bot', token: TOKEN })).json();
    expect(credential.boundHost).toBeNull();
    const created = await project('over-https', server.urlOf(path.basename(repo.dir)), credential.id);
    expect(created.statusCode, created.body).toBe(201);
    // Bound on first use to the host of the project.
    expect((await t.call(owner.token, { method: 'GET', url: `/api/credentials/${credential.id}` })).json().boundHost).toBe('127.0.0.1');

    const refs = await t.call(owner.token, { method: 'GET', url: `/api/projects/${created.json().id}/refs` });
    expect(refs.statusCode, refs.body).toBe(200);
    expect(refs.json().branches).toEqual([{ name: 'main', sha: repo.commits[0] }]);
    const commits = await t.call(owner.token, { method: 'GET', url: `/api/projects/${created.json().id}/commits?ref=main` });
    expect(commits.statusCode, commits.body).toBe(200);
    expect(commits.json().commits[0].sha).toBe(repo.commits[0]);

    expect(server.basicCredentials).toContain(`ci-bot:${TOKEN}`);
    const gitProcesses = [...server.commandLines].filter((line) => line.includes(server.urlOf('')));
    expect(gitProcesses.some((line) => /ls-remote|fetch|remote-https/.test(line)), [...server.commandLines].join('\n')).toBe(true);
    for (const line of server.commandLines) for (const form of tokenForms) expect(line).not.toContain(form);
  });

  it('refuses a project on another host than the token is bound to, at save time and at use', async () => {
    const bound = (await post('/api/credentials', { groupId, name: 'bound', kind: 'git_token', token: 'glpat-bound-0001', boundHost: 'GitLab.Example.com' })).json();
    expect(bound.boundHost).toBe('gitlab.example.com');
    const elsewhere = await project('attacker', 'https://127.0.0.1:1/steal.git', bound.id);
    expect(elsewhere.statusCode).toBe(400);
    expect(elsewhere.json().error.message).toMatch(/bound to gitlab\.example\.com and is never sent to 127\.0\.0\.1/);
    expect((await project('fine', 'https://gitlab.example.com/team/app.git', bound.id)).statusCode).toBe(201);
    const rebind = await t.call(owner.token, { method: 'PATCH', url: `/api/credentials/${bound.id}`, payload: { boundHost: 'evil.example.net' } });
    expect(rebind.statusCode).toBe(409);

    // The first project bound the token to 127.0.0.1; the same server under another name is another host.
    const first = (await t.db.credential.findFirstOrThrow({ where: { name: 'gitlab' } })).id;
    const renamed = await project('by-name', server.urlOf(path.basename(repo.dir)).replace('127.0.0.1', 'localhost'), first);
    expect(renamed.statusCode).toBe(400);

    // A binding changed behind the API's back (or a row bound before a project moved) is refused when used.
    const used = await t.db.project.findFirstOrThrow({ where: { name: 'over-https' } });
    await t.db.credential.update({ where: { id: first }, data: { boundHost: 'elsewhere.example' } });
    const requests = server.basicCredentials.length;
    const refused = await t.call(owner.token, { method: 'GET', url: `/api/projects/${used.id}/refs?refresh=true` });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.message).toMatch(/bound to elsewhere\.example; it is never sent to 127\.0\.0\.1/);
    expect(server.basicCredentials).toHaveLength(requests);
    await t.db.credential.update({ where: { id: first }, data: { boundHost: '127.0.0.1' } });
  });
});

describe('Git URL policy with the installation defaults', () => {
  let t: TestApp;
  let admin: TestUser;
  let owner: TestUser;
  let groupId: string;

  beforeAll(async () => {
    t = await buildTestApp({ ALLOW_FILE_GIT_URLS: 'false', GIT_ALLOW_PRIVATE_HOSTS: '' });
    admin = await t.createUser({ isAdmin: true });
    groupId = (await t.createGroup()).id;
    owner = await t.createUser({ groupId, role: 'owner' });
  });
  afterAll(async () => t?.close());

  let n = 0;
  const create = (user: TestUser, gitUrl: string) => t.call(user.token, { method: 'POST', url: '/api/projects', payload: { groupId, name: `p${++n}`, gitUrl, preset: 'shell' } });

  it('gives file:// URLs to administrators only', async () => {
    const refused = await create(owner, 'file:///srv/git/app.git');
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.message).toMatch(/^body\.gitUrl: file:\/\/ URLs .*administrators only/);
    expect((await create(admin, 'file:///srv/git/app.git')).statusCode).toBe(201);
  });

  it.each([
    'https://169.254.169.254/latest/meta-data.git',
    'https://metadata.google.internal/computeMetadata.git',
    'https://100.100.100.200/x.git',
    'https://[fe80::1]/x.git',
    'https://[fd00:ec2::254]/x.git',
    'ssh://git@169.254.1.1/x.git',
    'git@169.254.1.1:team/x.git',
    'https://127.0.0.1/x.git',
    'https://localhost/x.git',
    'https://[::1]/x.git',
    'git://0x7f.1/x.git',
  ])('refuses %s, for administrators too', async (url) => {
    for (const user of [owner, admin]) {
      const response = await create(user, url);
      expect(response.statusCode, response.body).toBe(400);
      expect(response.json().error.message).toMatch(/^body\.gitUrl: .*(metadata|loopback)/);
    }
  });

  it('accepts private ranges by default (an on-premises GitLab) and public hosts', async () => {
    expect((await create(owner, 'https://10.1.2.3/team/app.git')).statusCode).toBe(201);
    expect((await create(owner, 'git@192.168.7.8:team/app.git')).statusCode).toBe(201);
    expect((await create(owner, 'https://gitlab.example.com/team/app.git')).statusCode).toBe(201);
  });

  it('answers lookups on file:// repositories without repeating what git found on the disk', async () => {
    const project = (await create(admin, 'file:///etc/passwd')).json();
    const response = await t.call(admin.token, { method: 'GET', url: `/api/projects/${project.id}/refs` });
    expect(response.statusCode).toBe(502);
    expect(response.json().error.message).toBe('Cannot list branches and tags of file:///etc/passwd: Git could not read the repository (exit 128)');
  });
});
