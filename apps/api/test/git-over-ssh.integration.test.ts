import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { scanHostKeys } from '@rp/deploy-engine';
import { createSampleAppRepo, startSshHosts, type SampleAppRepo, type SshHost, type SshHosts } from '@rp/deploy-engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { releaseFixture, waitForState, type ReleaseFixture } from './helpers/release-fixture.js';
import { buildTestApp, type TestApp, type TestUser } from './helpers/test-app.js';

/** Where the engine writes a deploy key for one git call (packages/deploy-engine/src/git/ssh.ts). */
const KEY_DIR_PREFIX = 'rp-git-ssh-';

const sshUrlOf = (host: SshHost, repo: SampleAppRepo) => `ssh://${host.username}@${host.host}:${host.port}${repo.dir}`;

describe('Git over SSH: deploy keys and host keys pinned on first use', () => {
  let t: TestApp;
  let ssh: SshHosts;
  let repo: SampleAppRepo;
  let admin: TestUser;
  let owner: TestUser;
  let viewer: TestUser;
  let groupId: string;
  let keyId: string;
  let projectId: string;
  /** The temporary directory the engine's git calls see, so what they leave behind can be listed. */
  const tmp = mkdtempSync(path.join(tmpdir(), 'rp-git-over-ssh-'));
  const previousTmp = process.env.TMPDIR;

  beforeAll(async () => {
    ssh = await startSshHosts(2);
    repo = createSampleAppRepo();
    repo.addCommit({ message: 'second' });
    t = await buildTestApp();
    admin = await t.createUser({ isAdmin: true });
    groupId = (await t.createGroup()).id;
    owner = await t.createUser({ groupId, role: 'owner' });
    viewer = await t.createUser({ groupId, role: 'viewer' });
    process.env.TMPDIR = tmp;
  });
  afterAll(async () => {
    if (previousTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previousTmp;
    await t?.close();
    await ssh?.stopAll();
    repo?.remove();
    rmSync(tmp, { recursive: true, force: true });
  });

  const host = () => ssh.hosts[0] as SshHost;
  const post = (url: string, payload: object) => t.call(owner.token, { method: 'POST', url, payload });
  const get = (user: TestUser, url: string) => t.call(user.token, { method: 'GET', url });
  const project = (name: string, gitUrl: string, gitCredentialId?: string) => post('/api/projects', { groupId, name, gitUrl, preset: 'shell', ...(gitCredentialId ? { gitCredentialId } : {}) });
  const pinOf = () => t.db.gitHostKey.findUnique({ where: { host_port: { host: '127.0.0.1', port: host().port } } });
  const leftKeys = () => readdirSync(tmp).filter((name) => name.startsWith(KEY_DIR_PREFIX));

  it('lists branches, tags and commits with a deploy key, pinning the host key on first use', async () => {
    const key = await post('/api/credentials', { groupId, name: 'deploy-key', kind: 'ssh_key', privateKey: host().privateKey });
    expect(key.statusCode, key.body).toBe(201);
    keyId = key.json().id;
    const created = await project('over-ssh', sshUrlOf(host(), repo), keyId);
    expect(created.statusCode, created.body).toBe(201);
    projectId = created.json().id;
    expect(await pinOf()).toBeNull();

    const refs = await get(viewer, `/api/projects/${projectId}/refs`);
    expect(refs.statusCode, refs.body).toBe(200);
    expect(refs.json()).toMatchObject({ branches: [{ name: 'main', sha: repo.commits[1] }], tags: [] });
    const commits = await get(viewer, `/api/projects/${projectId}/commits?ref=main&limit=5`);
    expect(commits.statusCode, commits.body).toBe(200);
    expect(commits.json().commits.map((c: { sha: string }) => c.sha)).toEqual([...repo.commits].reverse());

    const pin = await pinOf();
    expect(pin).toMatchObject({ pinnedBy: viewer.username, fingerprints: [{ type: 'ssh-ed25519', fingerprint: host().hostKeyFingerprint }] });
    expect(pin?.knownHosts).toMatch(new RegExp(`^\\[127\\.0\\.0\\.1\\]:${host().port} ssh-ed25519 `));
    expect(await t.db.gitHostKey.count()).toBe(1);
    // The deploy key is bound to the host like a token.
    expect((await t.db.credential.findUniqueOrThrow({ where: { id: keyId } })).boundHost).toBe('127.0.0.1');
    expect(leftKeys()).toEqual([]);

    const listed = await get(viewer, '/api/git-host-keys?q=127.0.0');
    expect(listed.statusCode, listed.body).toBe(200);
    expect(listed.json()).toEqual({
      items: [{ id: pin?.id, host: '127.0.0.1', port: host().port, fingerprints: [{ type: 'ssh-ed25519', fingerprint: host().hostKeyFingerprint }], pinnedAt: pin?.pinnedAt.toISOString(), pinnedBy: viewer.username }],
      total: 1,
      page: 1,
      pageSize: 20,
    });
    expect((await get(viewer, '/api/git-host-keys?q=gitlab')).json()).toMatchObject({ items: [], total: 0 });
  });

  it('refuses a host presenting another key than the pinned one, says so, and pins nothing new', async () => {
    const other = ssh.hosts[1] as SshHost;
    // Pin the second host's key for the first host: the first host now presents a key that is not the pinned one.
    const before = await pinOf();
    const scan = await scanHostKeys(other.host, other.port);
    if (!scan.ok) throw new Error(scan.message);
    const knownHosts = scan.knownHosts.replace(`]:${other.port} `, `]:${host().port} `);
    await t.db.gitHostKey.update({ where: { id: before?.id }, data: { knownHosts, fingerprints: scan.fingerprints.map(({ type, fingerprint }) => ({ type, fingerprint })) } });

    for (const url of [`/api/projects/${projectId}/refs?refresh=true`, `/api/projects/${projectId}/commits?refresh=true`]) {
      const refused = await get(owner, url);
      expect(refused.statusCode, refused.body).toBe(502);
      expect(refused.json().error.message).toBe(
        `Cannot list ${url.includes('refs') ? 'branches and tags' : 'commits'} of ${sshUrlOf(host(), repo)}: the host key of 127.0.0.1:${host().port} does not match the one pinned on ${before?.pinnedAt.toISOString()} (fingerprint ${other.hostKeyFingerprint}); an administrator can reset it under Git host keys`,
      );
    }
    const after = await pinOf();
    expect(after).toMatchObject({ id: before?.id, knownHosts, pinnedAt: before?.pinnedAt });
    expect(await t.db.gitHostKey.count()).toBe(1);
    expect(leftKeys()).toEqual([]);
  });

  it('lets administrators only reset a pin, audited; the next call pins the key the host presents', async () => {
    const pin = await pinOf();
    const denied = await t.call(owner.token, { method: 'DELETE', url: `/api/git-host-keys/${pin?.id}` });
    expect(denied.statusCode).toBe(403);
    expect(await pinOf()).not.toBeNull();

    const reset = await t.call(admin.token, { method: 'DELETE', url: `/api/git-host-keys/${pin?.id}` });
    expect(reset.statusCode, reset.body).toBe(204);
    expect(await pinOf()).toBeNull();
    const audit = await t.db.auditLog.findFirst({ where: { action: 'git_host_key.delete', resourceId: pin?.id } });
    expect(audit).toMatchObject({ actorName: admin.username, details: expect.objectContaining({ host: '127.0.0.1', port: host().port }) });
    expect((await t.call(admin.token, { method: 'DELETE', url: `/api/git-host-keys/${pin?.id}` })).statusCode).toBe(404);

    // Two first uses at once still make one pin.
    const [refs, commits] = await Promise.all([get(owner, `/api/projects/${projectId}/refs?refresh=true`), get(owner, `/api/projects/${projectId}/commits?refresh=true`)]);
    expect(refs.statusCode, refs.body).toBe(200);
    expect(commits.statusCode, commits.body).toBe(200);
    expect(await t.db.gitHostKey.count()).toBe(1);
    const repinned = await pinOf();
    expect(repinned).toMatchObject({ pinnedBy: owner.username, fingerprints: [{ type: 'ssh-ed25519', fingerprint: host().hostKeyFingerprint }] });
    expect(repinned?.id).not.toBe(pin?.id);
  });

  it('sends a deploy key over ssh only and a token over https only', async () => {
    const token = (await post('/api/credentials', { groupId, name: 'token', kind: 'git_token', token: 'glpat-over-ssh-0001' })).json();
    const keyOnHttps = await project('key-on-https', 'https://127.0.0.1:9/team/app.git', keyId);
    expect(keyOnHttps.statusCode).toBe(400);
    expect(keyOnHttps.json().error.message).toMatch(/^body\.gitCredentialId: an ssh_key credential .* needs an ssh Git URL/);
    const tokenOnSsh = await project('token-on-ssh', sshUrlOf(host(), repo), token.id);
    expect(tokenOnSsh.statusCode).toBe(400);
    expect(tokenOnSsh.json().error.message).toMatch(/^body\.gitCredentialId: a token credential needs an https:\/\/ Git URL/);

    // Rows changed behind the API's back are refused when used, before git runs.
    const https = (await project('plain-https', 'https://127.0.0.1:9/team/app.git')).json();
    await t.db.project.update({ where: { id: https.id }, data: { gitCredentialId: keyId } });
    const keyUsed = await get(owner, `/api/projects/${https.id}/refs`);
    expect(keyUsed.statusCode).toBe(409);
    expect(keyUsed.json().error.message).toBe('Credential "deploy-key" is a deploy key, used over ssh only; the project\'s Git URL is not an ssh URL');

    const sshProject = (await project('plain-ssh', sshUrlOf(host(), repo))).json();
    const noKey = await get(owner, `/api/projects/${sshProject.id}/refs`);
    expect(noKey.statusCode).toBe(409);
    expect(noKey.json().error.message).toMatch(/uses ssh: it needs an ssh_key credential/);
    await t.db.project.update({ where: { id: sshProject.id }, data: { gitCredentialId: token.id } });
    const tokenUsed = await get(owner, `/api/projects/${sshProject.id}/commits`);
    expect(tokenUsed.statusCode).toBe(409);
    expect(tokenUsed.json().error.message).toMatch(/is sent over https only; the project's Git URL is not https/);
  });

  it.each([
    ['ssh://-oProxyCommand=touch%20/tmp/pwned/repo.git', /host must be a plain host name/],
    ['ssh://-oProxyCommand=touch@127.0.0.1/repo.git', /user before "@" must be a plain name/],
    ['ssh://%2DoProxyCommand=x@127.0.0.1/repo.git', /user before "@" must be a plain name/],
    ['git@-oProxyCommand=x:repo.git', /or be git@host:path/],
    ['git@-host:repo.git', /host must be a plain host name/],
    ['ssh://git@169.254.169.254/repo.git', /metadata/],
    ['git@metadata.google.internal:team/repo.git', /metadata/],
  ])('refuses the hostile ssh URL %s', async (gitUrl, reason) => {
    const response = await project(`hostile-${Math.random().toString(36).slice(2, 8)}`, gitUrl, keyId);
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json().error.message).toMatch(/^body\.gitUrl: /);
    expect(response.json().error.message).toMatch(reason);
  });
});

describe('a release checked out over ssh with a deploy key', () => {
  let t: TestApp;
  let f: ReleaseFixture;

  beforeAll(async () => {
    t = await buildTestApp({ WORKER_ENABLED: 'true', WORKER_HEARTBEAT_SECONDS: '1' });
    f = await releaseFixture(t, { hosts: 1, requireApproval: false });
  });
  afterAll(async () => {
    await t?.close();
    await f?.cleanup();
  });

  it('ships the commit the ssh remote has, pinning its host key', async () => {
    const host = f.hosts.hosts[0] as SshHost;
    const key = await t.db.credential.findFirstOrThrow({ where: { groupId: f.groupId, kind: 'ssh_key' } });
    const moved = await t.call(f.owner.token, { method: 'PATCH', url: `/api/projects/${f.projectId}`, payload: { gitUrl: sshUrlOf(host, f.repo), gitCredentialId: key.id } });
    expect(moved.statusCode, moved.body).toBe(200);
    const commit = f.repo.addCommit({ message: 'over ssh' });

    const created = await t.call(f.developer.token, { method: 'POST', url: '/api/releases', payload: { environmentId: f.environmentId, ref: 'main' } });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json().commit).toBe(commit);
    const done = await waitForState(t, f.developer.token, created.json().id, ['succeeded', 'failed', 'aborted', 'interrupted']);
    expect(done.state, JSON.stringify(done)).toBe('succeeded');
    expect(f.host(0)).toMatchObject({ current: created.json().id, currentIsWhole: true });
    const pin = await t.db.gitHostKey.findUniqueOrThrow({ where: { host_port: { host: '127.0.0.1', port: host.port } } });
    expect(pin.fingerprints).toEqual([{ type: 'ssh-ed25519', fingerprint: host.hostKeyFingerprint }]);
  });
});
