import { freePort } from '@rp/deploy-engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitLabStandIn, type GitLabStandIn, type StandInProject } from './helpers/gitlab-stand-in/index.js';
import { buildTestApp, type TestApp, type TestUser } from './helpers/test-app.js';

const TOKEN = 'glpat-webhook-test';

describe('GitLab webhooks', () => {
  let t: TestApp;
  let owner: TestUser;
  let developer: TestUser;
  let groupId: string;
  let gitlab: GitLabStandIn;
  let remote: StandInProject;
  let projectId: string;
  let publicUrl: string;

  beforeAll(async () => {
    gitlab = await startGitLabStandIn({ token: TOKEN });
    remote = gitlab.addProject({ path: 'shop', namespace: 'backend' });
    // GitLab posts to PUBLIC_URL, so the app listens on the port PUBLIC_URL names.
    const port = await freePort();
    publicUrl = `http://127.0.0.1:${port}`;
    t = await buildTestApp({ GIT_ALLOW_PRIVATE_HOSTS: 'true', PUBLIC_URL: `${publicUrl}/` });
    await t.app.listen({ host: '127.0.0.1', port });
    groupId = (await t.createGroup()).id;
    owner = await t.createUser({ groupId, role: 'owner' });
    developer = await t.createUser({ groupId, role: 'developer' });
    const credentialId = (await t.db.credential.create({ data: { groupId, name: 'bot', kind: 'git_token', secret: t.app.secrets.encrypt(TOKEN), boundHost: '127.0.0.1' } })).id;
    const platform = await t.db.gitPlatform.create({ data: { groupId, name: 'GitLab', kind: 'gitlab', baseUrl: gitlab.url, credentialId } });
    projectId = (await t.db.project.create({ data: { groupId, name: 'shop', preset: 'shell', gitUrl: 'https://gitlab.example.com/backend/shop.git', gitPlatformId: platform.id, remoteProjectId: BigInt(remote.id) } })).id;
  });
  afterAll(async () => {
    await t?.close();
    await gitlab?.close();
  });

  const call = (user: TestUser, method: 'GET' | 'POST' | 'DELETE', url: string) => t.call(user.token, { method, url });
  const status = async () => (await call(developer, 'GET', `/api/projects/${projectId}/webhook`)).json();
  const receive = (hookId: string, headers: Record<string, string>, payload: unknown) =>
    t.app.inject({ method: 'POST', url: `/api/webhooks/gitlab/${hookId}`, headers: { 'content-type': 'application/json', ...headers }, payload: typeof payload === 'string' ? payload : JSON.stringify(payload) });

  it('sets up a hook by hand on a project that is not linked to GitLab, showing its secret once', async () => {
    const plain = await t.db.project.create({ data: { groupId, name: 'plain', preset: 'shell', gitUrl: 'https://git.example.com/plain.git' } });
    expect((await call(developer, 'GET', `/api/projects/${plain.id}/webhook`)).json()).toMatchObject({ linked: false, hook: null, publicUrl });
    const added = await t.call(owner.token, { method: 'POST', url: `/api/projects/${plain.id}/webhook`, payload: { kind: 'github' } });
    expect(added.statusCode, added.body).toBe(201);
    const { hook, secret } = added.json();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(hook).toMatchObject({ kind: 'github', remoteHookId: null, onPlatform: null, createdBy: owner.username, url: `${publicUrl}/api/webhooks/github/${hook.id}` });
    const shown = await call(owner, 'GET', `/api/projects/${plain.id}/webhook`);
    expect(shown.json().secret).toBeUndefined();
    expect(shown.body).not.toContain(secret);
    const bad = await t.call(owner.token, { method: 'POST', url: `/api/projects/${plain.id}/webhook`, payload: { kind: 'bitbucket' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/kind/);
    expect((await call(owner, 'DELETE', `/api/projects/${plain.id}/webhook`)).statusCode).toBe(204);
  });

  it('adds the hook on GitLab with a secret it never shows, and GitLab\'s push reaches the receiver and is recorded', async () => {
    expect((await call(developer, 'POST', `/api/projects/${projectId}/webhook`)).statusCode).toBe(403);
    const added = await call(owner, 'POST', `/api/projects/${projectId}/webhook`);
    expect(added.statusCode, added.body).toBe(201);
    const { hook } = added.json();
    expect(hook).toMatchObject({ onPlatform: true, rejected: 0, lastDelivery: null });
    expect(hook.url).toBe(`${publicUrl}/api/webhooks/gitlab/${hook.id}`);
    const [onGitLab] = gitlab.hooksOf(remote.id);
    expect(onGitLab).toMatchObject({ url: hook.url, push_events: true, tag_push_events: true, pipeline_events: true });
    expect(onGitLab?.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const stored = await t.db.projectWebhook.findUniqueOrThrow({ where: { id: hook.id } });
    expect(stored.secret).not.toContain(onGitLab?.token ?? '');
    expect(added.body).not.toContain(onGitLab?.token ?? '');
    expect((await call(owner, 'POST', `/api/projects/${projectId}/webhook`)).statusCode).toBe(409);

    const before = gitlab.commit(remote.id, { branch: "main", message: "base" });
    const after = gitlab.commit(remote.id, { branch: 'main', message: 'ship it devops' });
    const deliveries = await gitlab.deliverPush(remote.id, { branch: 'main', before, after, userUsername: 'alice' });
    expect(deliveries.map((d) => d.status)).toEqual([200]);
    const listed = (await call(developer, 'GET', `/api/projects/${projectId}/webhook/deliveries`)).json();
    expect(listed.items[0]).toMatchObject({
      event: 'Push Hook',
      trigger: 'push',
      ref: 'main',
      refKind: 'branch',
      commit: after,
      message: 'ship it devops\n',
      pusher: 'alice',
      outcome: 'ignored',
      reason: 'no environment of the project has auto-release on',
      deliveryUuid: deliveries[0]?.eventUuid,
      releases: [],
    });
    expect((await status()).hook.lastDelivery).toMatchObject({ event: 'Push Hook', outcome: 'ignored' });
  });

  it('answers a redelivery as a duplicate and stores it once', async () => {
    const { hook } = await status();
    const token = gitlab.hooksOf(remote.id)[0]?.token ?? '';
    const headers = { 'x-gitlab-token': token, 'x-gitlab-event': 'Tag Push Hook', 'x-gitlab-event-uuid': 'f1d2d2f9-0000-4000-8000-000000000001' };
    const payload = { object_kind: 'tag_push', ref: 'refs/tags/v1.0.0', before: '0'.repeat(40), after: 'a'.repeat(40), checkout_sha: 'a'.repeat(40), user_username: 'bob', total_commits_count: 1 };
    expect((await receive(hook.id, headers, payload)).json()).toMatchObject({ outcome: 'ignored' });
    expect((await receive(hook.id, headers, payload)).json()).toMatchObject({ outcome: 'duplicate' });
    expect(await t.db.webhookDelivery.count({ where: { webhookId: hook.id, deliveryUuid: headers['x-gitlab-event-uuid'] } })).toBe(1);
  });

  it('refuses bad deliveries with the right status, stores nothing for them, and counts wrong secrets', async () => {
    const { hook } = await status();
    const token = gitlab.hooksOf(remote.id)[0]?.token ?? '';
    const rows = () => t.db.webhookDelivery.count({ where: { webhookId: hook.id } });
    const before = await rows();
    const push = { object_kind: 'push', ref: 'refs/heads/main', before: 'b'.repeat(40), after: 'c'.repeat(40), checkout_sha: 'c'.repeat(40), total_commits_count: 1 };
    expect((await receive(hook.id, { 'x-gitlab-token': 'wrong', 'x-gitlab-event': 'Push Hook' }, push)).statusCode).toBe(401);
    expect((await receive(hook.id, { 'x-gitlab-event': 'Push Hook' }, push)).statusCode).toBe(401);
    expect((await receive('00000000-0000-4000-8000-000000000000', { 'x-gitlab-token': token }, push)).statusCode).toBe(404);
    expect((await receive(hook.id, { 'x-gitlab-token': token, 'x-gitlab-event': 'Push Hook' }, '{"ref": ')).statusCode).toBe(400);
    expect((await receive(hook.id, { 'x-gitlab-token': token, 'x-gitlab-event': 'Push Hook' }, { ...push, padding: 'x'.repeat(1_100_000) })).statusCode).toBe(413);
    expect(await rows()).toBe(before);
    expect((await status()).hook).toMatchObject({ rejected: 2 });
    expect((await status()).hook.lastRejectedAt).not.toBeNull();
  });

  it('records deletions, empty pushes and unknown events as ignored, and hostile names as plain data', async () => {
    const { hook } = await status();
    const token = gitlab.hooksOf(remote.id)[0]?.token ?? '';
    const send = (event: string, payload: object) => receive(hook.id, { 'x-gitlab-token': token, 'x-gitlab-event': event }, payload);
    expect((await send('Push Hook', { ref: 'refs/heads/old', before: 'd'.repeat(40), after: '0'.repeat(40), total_commits_count: 0 })).json()).toEqual({ outcome: 'ignored', reason: 'branch deleted', releaseIds: [] });
    expect((await send('Push Hook', { ref: 'refs/heads/main', before: 'd'.repeat(40), after: 'd'.repeat(40), total_commits_count: 0 })).json()).toEqual({ outcome: 'ignored', reason: 'a push without commits', releaseIds: [] });
    expect((await send('Issue Hook', { object_kind: 'issue' })).json()).toMatchObject({ outcome: 'ignored', reason: 'event "Issue Hook" is not one the platform releases on' });
    const hostile = 'feat/$(touch /tmp/rp-pwned)';
    expect((await send('Push Hook', { ref: `refs/heads/${hostile}`, before: 'e'.repeat(40), after: 'f'.repeat(40), total_commits_count: 3 })).json()).toMatchObject({ outcome: 'ignored' });
    const listed = (await call(developer, 'GET', `/api/projects/${projectId}/webhook/deliveries?pageSize=3`)).json();
    expect(listed.items[0]).toMatchObject({ ref: hostile, refKind: 'branch', commit: 'f'.repeat(40) });
    expect(listed.total).toBeGreaterThan(3);
  });

  it('finds hooks on GitLab that point at this platform but are unknown to it, and removes them on request', async () => {
    const stale = `${publicUrl}/api/webhooks/gitlab/0f0f0f0f-0000-4000-8000-000000000000`;
    const made = await fetch(`${gitlab.url}/api/v4/projects/${remote.id}/hooks`, {
      method: 'POST',
      headers: { 'private-token': TOKEN, 'content-type': 'application/json' },
      body: JSON.stringify({ url: stale, push_events: true }),
    });
    const leftover = String(((await made.json()) as { id: number }).id);
    expect((await status()).leftovers).toEqual([{ remoteHookId: leftover, url: stale }]);
    expect((await call(developer, 'DELETE', `/api/projects/${projectId}/webhook/leftovers/${leftover}`)).statusCode).toBe(403);
    expect((await call(owner, 'DELETE', `/api/projects/${projectId}/webhook/leftovers/${leftover}`)).statusCode).toBe(204);
    expect(gitlab.hooksOf(remote.id).map((h) => h.url)).not.toContain(stale);
    expect((await status()).leftovers).toEqual([]);
  });

  it('removes the hook from GitLab and forgets it with its deliveries', async () => {
    const { hook } = await status();
    expect((await call(owner, 'DELETE', `/api/projects/${projectId}/webhook`)).statusCode).toBe(204);
    expect(gitlab.hooksOf(remote.id)).toEqual([]);
    expect(await t.db.webhookDelivery.count({ where: { webhookId: hook.id } })).toBe(0);
    expect((await status()).hook).toBeNull();
    expect((await call(owner, 'DELETE', `/api/projects/${projectId}/webhook`)).statusCode).toBe(404);
  });
});

describe('GitLab webhooks without PUBLIC_URL', () => {
  it('says that PUBLIC_URL is missing instead of adding a hook GitLab could not reach', async () => {
    const t = await buildTestApp();
    try {
      const groupId = (await t.createGroup()).id;
      const owner = await t.createUser({ groupId, role: 'owner' });
      const project = await t.db.project.create({ data: { groupId, name: 'shop', preset: 'shell', gitUrl: 'https://git.example.com/shop.git' } });
      expect((await t.call(owner.token, { method: 'GET', url: `/api/projects/${project.id}/webhook` })).json()).toMatchObject({ publicUrl: null });
      const added = await t.call(owner.token, { method: 'POST', url: `/api/projects/${project.id}/webhook` });
      expect(added.statusCode).toBe(409);
      expect(added.json().error.message).toMatch(/PUBLIC_URL is not set/);
    } finally {
      await t.close();
    }
  });
});
