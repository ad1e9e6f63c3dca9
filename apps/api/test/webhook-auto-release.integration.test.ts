import { createHmac } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createSampleAppRepo, type SampleAppRepo } from '@rp/deploy-engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitLabStandIn, type GitLabStandIn } from './helpers/gitlab-stand-in/index.js';
import { buildTestApp, type TestApp, type TestUser } from './helpers/test-app.js';

const PUBLIC_URL = 'https://deploy.example.com';
const TOKEN = 'glpat-auto-release';

interface Hook {
  id: string;
  secret: string;
}

/**
 * Auto-release rules judged against real deliveries posted to the receivers, for each sender's signing scheme. The
 * worker is off, so releases stay where the rules put them (queued, awaiting approval, cancelled by a newer push).
 */
describe('auto-release from webhook deliveries', () => {
  let t: TestApp;
  let owner: TestUser;
  let developer: TestUser;
  let groupId: string;
  let repo: SampleAppRepo;
  let serverId: string;
  let gitlab: GitLabStandIn;

  beforeAll(async () => {
    gitlab = await startGitLabStandIn({ token: TOKEN });
    t = await buildTestApp({ PUBLIC_URL, GIT_ALLOW_PRIVATE_HOSTS: 'true' });
    groupId = (await t.createGroup()).id;
    owner = await t.createUser({ groupId, role: 'owner' });
    developer = await t.createUser({ groupId, role: 'developer' });
    repo = createSampleAppRepo();
    const key = await ok(owner, 'POST', '/api/credentials', { groupId, name: 'key', kind: 'ssh_key', generate: true });
    serverId = (await ok(owner, 'POST', '/api/servers', { groupId, name: 'web-1', host: '10.1.2.3', username: 'deploy', credentialId: key.id })).id;
  });
  afterAll(async () => {
    await t?.close();
    await gitlab?.close();
    repo?.remove();
  });

  async function ok(user: TestUser, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) {
    const response = await t.call(user.token, { method, url, ...(payload ? { payload } : {}) });
    expect(response.statusCode, `${method} ${url}: ${response.body}`).toBeLessThan(300);
    return response.json();
  }

  let projects = 0;
  /** A project with one environment "prod" under the given rule, and a hook of `kind` set up by hand. */
  async function project(autoRelease: object, environment: object = {}, kind = 'gitlab') {
    const created = await ok(owner, 'POST', '/api/projects', { groupId, name: `shop-${++projects}`, gitUrl: repo.url, preset: 'shell', artifactPaths: [], keepReleases: 5 });
    const env = await ok(owner, 'POST', `/api/projects/${created.id}/environments`, { name: 'prod', deployPath: '/srv/shop', serverIds: [serverId], autoRelease, ...environment });
    const added = await ok(owner, 'POST', `/api/projects/${created.id}/webhook`, { kind });
    return { projectId: created.id as string, environmentId: env.id as string, hook: { id: added.hook.id, secret: added.secret } as Hook };
  }

  const push = (o: { branch?: string; tag?: string; message: string; after?: string; user?: string }) => ({
    object_kind: o.tag ? 'tag_push' : 'push',
    ref: o.tag ? `refs/tags/${o.tag}` : `refs/heads/${o.branch ?? 'main'}`,
    before: '1'.repeat(40),
    after: o.after ?? repo.commits[0],
    checkout_sha: o.after ?? repo.commits[0],
    user_username: o.user ?? 'alice',
    commits: [{ id: o.after ?? repo.commits[0], message: o.message }],
    total_commits_count: 1,
  });
  let uuids = 0;
  const gitlabDelivery = (hook: Hook, payload: object, event = payload && 'object_kind' in payload && payload.object_kind === 'tag_push' ? 'Tag Push Hook' : 'Push Hook', uuid = `00000000-0000-4000-8000-${String(++uuids).padStart(12, '0')}`) =>
    t.app.inject({
      method: 'POST',
      url: `/api/webhooks/gitlab/${hook.id}`,
      headers: { 'content-type': 'application/json', 'x-gitlab-token': hook.secret, 'x-gitlab-event': event, 'x-gitlab-event-uuid': uuid },
      payload: JSON.stringify(payload),
    });
  const releasesOf = (environmentId: string) => t.db.release.findMany({ where: { environmentId }, orderBy: { createdAt: 'asc' } });

  it('refuses a rule that could never release, naming the field', async () => {
    const { environmentId } = await project({ enabled: false });
    const patch = (autoRelease: object) => t.call(owner.token, { method: 'PATCH', url: `/api/environments/${environmentId}`, payload: { autoRelease } });
    const cases: [object, RegExp][] = [
      [{ enabled: true }, /autoRelease\.branches/],
      [{ enabled: true, events: ['tag_push'] }, /autoRelease\.tags/],
      [{ enabled: true, branches: ['main'], keyword: 'two words' }, /keyword/],
      [{ enabled: true, branches: ['feat/$(x)'] }, /branches/],
      [{ enabled: true, branches: ['main'], events: ['merge'] }, /events/],
      [{ enabled: true, branches: ['main'], onNewer: 'drop' }, /onNewer/],
    ];
    for (const [rule, field] of cases) {
      const response = await patch(rule);
      expect(response.statusCode, JSON.stringify(rule)).toBe(400);
      expect(JSON.stringify(response.json().error), JSON.stringify(rule)).toMatch(field);
    }
    expect((await ok(owner, 'GET', `/api/environments/${environmentId}`)).autoRelease).toMatchObject({ enabled: false });
  });

  it('releases a push whose head commit holds the keyword as a word, in any case, unless it says [skip deploy]', async () => {
    const { environmentId, hook } = await project({ enabled: true, branches: ['main', 'release/*'] });
    const outcomes: [string, string, string][] = [
      ['main', 'Fix the basket [DevOps]', 'released'],
      ['release/2.1', 'devops: cut 2.1', 'released'],
      ['main', 'devops it [skip deploy]', 'ignored'],
      ['main', 'the devopsy helpers', 'ignored'],
      ['main', 'my_devops notes', 'ignored'],
      ['hotfix/x', 'devops', 'ignored'],
    ];
    for (const [branch, message, outcome] of outcomes) {
      const answer = (await gitlabDelivery(hook, push({ branch, message }))).json();
      expect(answer.outcome, `${branch}: ${message} → ${answer.reason}`).toBe(outcome);
    }
    const made = await releasesOf(environmentId);
    expect(made.map((r) => [r.ref, r.state, r.commit])).toEqual([
      ['main', 'queued', repo.commits[0]],
      ['release/2.1', 'queued', repo.commits[0]],
    ]);
    expect(made[0]?.createdById).toBe(owner.id);
    expect(made[0]?.description).toMatch(/^Auto-release: push to main by alice \(delivery 00000000-0000-4000-8000-\d{12}\)$/);
    const reasons = (await ok(developer, 'GET', `/api/projects/${made[0]?.projectId}/webhook/deliveries`)).items.map((d: { reason: string }) => d.reason);
    expect(reasons).toEqual([
      'prod: branch hotfix/x matches none of main, release/*',
      'prod: the head commit\'s message lacks the word "devops"',
      'prod: the head commit\'s message lacks the word "devops"',
      'prod: the head commit says [skip deploy]',
      'prod: matched branch glob release/*, keyword "devops"; release created',
      'prod: matched branch glob main, keyword "devops"; release created',
    ]);
  });

  it('queues two quick pushes in order, or lets the newer supersede the waiting one, never touching a person\'s release', async () => {
    const queued = await project({ enabled: true, branches: ['main'], keyword: '' });
    const second = repo.addCommit({ message: 'second' });
    const third = repo.addCommit({ message: 'third' });
    // Sent at once: the receiver takes one project's deliveries one at a time, in the order they came in.
    await Promise.all([gitlabDelivery(queued.hook, push({ message: 'a', after: second })), gitlabDelivery(queued.hook, push({ message: 'b', after: third }))]);
    expect((await releasesOf(queued.environmentId)).map((r) => r.state)).toEqual(['queued', 'queued']);

    const superseding = await project({ enabled: true, branches: ['main'], keyword: '', onNewer: 'supersede' });
    const byHand = await ok(developer, 'POST', '/api/releases', { environmentId: superseding.environmentId, ref: 'main' });
    expect((await gitlabDelivery(superseding.hook, push({ message: 'a', after: second }))).json()).toMatchObject({ outcome: 'released' });
    const newest = (await gitlabDelivery(superseding.hook, push({ message: 'b', after: third }))).json();
    expect(newest.reason).toBe('prod: matched branch glob main; release created, superseding 1 waiting');
    const states = (await releasesOf(superseding.environmentId)).map((r) => [r.id === byHand.id ? 'by hand' : r.commit, r.state]);
    expect(states).toEqual([
      ['by hand', 'queued'],
      [second, 'cancelled'],
      [third, 'queued'],
    ]);

    // A newer push that is refused (here: outside the release windows) supersedes nothing.
    const closedDay = (new Date().getUTCDay() + 3) % 7;
    await ok(owner, 'PATCH', `/api/environments/${superseding.environmentId}`, { releaseWindows: [{ days: [closedDay], start: '00:00', end: '24:00' }] });
    expect((await gitlabDelivery(superseding.hook, push({ message: 'c', after: second }))).json()).toMatchObject({ outcome: 'refused' });
    expect((await releasesOf(superseding.environmentId)).map((r) => r.state)).toEqual(['queued', 'cancelled', 'queued']);
  });

  it('sends auto-releases through approval and release windows like any other', async () => {
    const approval = await project({ enabled: true, branches: ['main'] }, { requireApproval: true });
    expect((await gitlabDelivery(approval.hook, push({ message: 'devops' }))).json()).toMatchObject({ outcome: 'released' });
    const [waiting] = await releasesOf(approval.environmentId);
    expect(waiting?.state).toBe('pending_approval');
    // What alert rules hear of it, written with the release: made by a webhook, and waiting for an approver.
    const told = await t.db.notificationEvent.findMany({ where: { releaseId: waiting!.id }, orderBy: { id: 'asc' } });
    expect(told.map((e) => [e.type, e.subject])).toEqual([['auto_created', { origin: 'webhook' }], ['awaiting_approval', {}]]);

    const now = new Date();
    const closedDay = (now.getUTCDay() + 3) % 7;
    const windows = await project({ enabled: true, branches: ['main'] }, { releaseWindows: [{ days: [closedDay], start: '00:00', end: '24:00' }] });
    const answer = (await gitlabDelivery(windows.hook, push({ message: 'devops' }))).json();
    expect(answer).toMatchObject({ outcome: 'refused', releaseIds: [] });
    expect(answer.reason).toMatch(/^prod: matched branch glob main, keyword "devops", but refused: Environment prod is outside its release windows/);
    expect(await releasesOf(windows.environmentId)).toEqual([]);
  });

  it('releases tags and pipelines that succeeded when the rule says so', async () => {
    const { environmentId, hook } = await project({ enabled: true, events: ['tag_push', 'pipeline'], branches: ['main'], tags: ['v*'], keyword: '' });
    expect((await gitlabDelivery(hook, push({ tag: 'v1.2.0', message: 'x' }))).json()).toMatchObject({ outcome: 'released' });
    expect((await gitlabDelivery(hook, push({ tag: 'nightly', message: 'x' }))).json()).toMatchObject({ outcome: 'ignored', reason: 'prod: tag nightly matches none of v*' });
    expect((await gitlabDelivery(hook, push({ branch: 'main', message: 'x' }))).json()).toMatchObject({ outcome: 'ignored', reason: 'prod: releases on tag pushes, pipelines only, not pushes' });
    const pipeline = (status: string) => ({ object_kind: 'pipeline', object_attributes: { id: 7, ref: 'main', tag: false, sha: repo.commits[0], status }, commit: { id: repo.commits[0], message: 'x' }, user: { username: 'ci' } });
    expect((await gitlabDelivery(hook, pipeline('failed'), 'Pipeline Hook')).json()).toMatchObject({ outcome: 'ignored', reason: 'pipeline failed: only a pipeline that succeeded releases' });
    expect((await gitlabDelivery(hook, pipeline('success'), 'Pipeline Hook')).json()).toMatchObject({ outcome: 'released' });
    expect((await releasesOf(environmentId)).map((r) => r.ref)).toEqual(['v1.2.0', 'main']);
  });

  it('answers bad deliveries with their status and releases nothing, even where every push would release', async () => {
    const { environmentId, hook } = await project({ enabled: true, events: ['push', 'tag_push', 'pipeline'], branches: ['*'], tags: ['*'], keyword: '' });
    const send = (headers: Record<string, string>, payload: string) =>
      t.app.inject({ method: 'POST', url: `/api/webhooks/gitlab/${hook.id}`, headers: { 'content-type': 'application/json', ...headers }, payload });
    const good = JSON.stringify(push({ message: 'x' }));
    const signed = { 'x-gitlab-token': hook.secret, 'x-gitlab-event': 'Push Hook' };
    const cases: [string, Record<string, string>, string, number, string?][] = [
      ['wrong token', { ...signed, 'x-gitlab-token': 'nope' }, good, 401],
      ['no token', { 'x-gitlab-event': 'Push Hook' }, good, 401],
      ['no event header', { 'x-gitlab-token': hook.secret }, good, 200, 'a delivery without an event header is not one the platform releases on'],
      ['unknown event', { ...signed, 'x-gitlab-event': 'Issue Hook' }, good, 200, 'event "Issue Hook" is not one the platform releases on'],
      ['branch deleted', signed, JSON.stringify({ ...push({ message: 'x' }), after: '0'.repeat(40), checkout_sha: null }), 200, 'branch deleted'],
      ['tag deleted', { ...signed, 'x-gitlab-event': 'Tag Push Hook' }, JSON.stringify({ ...push({ tag: 'v9', message: 'x' }), after: '0'.repeat(40), checkout_sha: null }), 200, 'tag deleted'],
      ['no commits', signed, JSON.stringify({ ...push({ message: 'x' }), total_commits_count: 0, commits: [] }), 200, 'a push without commits'],
      ['abbreviated commit', signed, JSON.stringify({ ...push({ message: 'x' }), after: 'abc1234', checkout_sha: 'abc1234' }), 200, 'the delivery names no full commit id'],
      ['not a branch or tag', signed, JSON.stringify({ ...push({ message: 'x' }), ref: 'refs/merge-requests/1/head' }), 200, 'the pushed ref is neither a branch nor a tag'],
      ['malformed JSON', signed, '{"ref": "refs/heads/main", ', 400],
      ['a JSON array', signed, '[1, 2]', 200],
      ['over 1 MB', signed, JSON.stringify({ ...push({ message: 'x' }), padding: 'x'.repeat(1_100_000) }), 413],
    ];
    for (const [what, headers, payload, status, reason] of cases) {
      const response = await send(headers, payload);
      expect(response.statusCode, `${what}: ${response.body}`).toBe(status);
      if (reason) expect(response.json(), what).toMatchObject({ outcome: 'ignored', reason, releaseIds: [] });
    }
    expect(await releasesOf(environmentId)).toEqual([]);
    expect((await t.db.projectWebhook.findUniqueOrThrow({ where: { id: hook.id } })).rejected).toBe(2);
  });

  it('treats hostile branch names as data and long ones as no release', async () => {
    const { environmentId, hook } = await project({ enabled: true, branches: ['*'] });
    const marker = `/tmp/rp-pwned-${process.pid}`;
    const hostile = `feat/$(touch ${marker})`;
    expect((await gitlabDelivery(hook, push({ branch: hostile, message: 'devops' }))).json()).toMatchObject({ outcome: 'released' });
    expect((await releasesOf(environmentId)).map((r) => r.ref)).toEqual([hostile]);
    expect(existsSync(marker)).toBe(false);
    expect((await gitlabDelivery(hook, push({ branch: 'x'.repeat(300), message: 'devops' }))).json()).toMatchObject({ outcome: 'ignored', reason: 'the ref name is longer than 255 characters' });
  });

  it('asks a linked GitLab project for the head commit\'s message when the push does not carry it', async () => {
    const remote = gitlab.addProject({ path: 'shop', namespace: 'linked' });
    const head = gitlab.commit(remote.id, { branch: 'main', message: 'big merge, devops' });
    const credentialId = (await t.db.credential.create({ data: { groupId, name: 'gitlab-bot', kind: 'git_token', secret: t.app.secrets.encrypt(TOKEN), boundHost: '127.0.0.1' } })).id;
    const platform = await t.db.gitPlatform.create({ data: { groupId, name: 'GitLab', kind: 'gitlab', baseUrl: gitlab.url, credentialId } });
    const linked = await project({ enabled: true, branches: ['main'] });
    const unlinked = await project({ enabled: true, branches: ['main'] });
    await t.db.project.update({ where: { id: linked.projectId }, data: { gitPlatformId: platform.id, remoteProjectId: BigInt(remote.id) } });
    // More than 20 commits: GitLab lists 20 of them, and here not the head.
    const truncated = { ...push({ message: 'x', after: head }), commits: [], total_commits_count: 25 };
    expect((await gitlabDelivery(linked.hook, truncated)).json()).toMatchObject({ outcome: 'released' });
    expect((await gitlabDelivery(unlinked.hook, truncated)).json()).toMatchObject({
      outcome: 'ignored',
      reason: 'prod: the delivery does not carry the head commit\'s message, so the keyword "devops" cannot be checked',
    });
  });

  it('checks GitHub\'s body signature and reads its push and ping events', async () => {
    const { environmentId, hook } = await project({ enabled: true, branches: ['main'] }, {}, 'github');
    const send = (event: string, body: object, o: { delivery?: string; secret?: string } = {}) => {
      const raw = JSON.stringify(body);
      const signature = `sha256=${createHmac('sha256', o.secret ?? hook.secret).update(raw).digest('hex')}`;
      return t.app.inject({
        method: 'POST',
        url: `/api/webhooks/github/${hook.id}`,
        headers: { 'content-type': 'application/json', 'x-github-event': event, 'x-github-delivery': o.delivery ?? crypto.randomUUID(), 'x-hub-signature-256': signature },
        payload: raw,
      });
    };
    const body = { ref: 'refs/heads/main', before: '1'.repeat(40), after: repo.commits[0], deleted: false, head_commit: { id: repo.commits[0], message: 'Ship: devops' }, pusher: { name: 'carol' } };
    expect((await send('push', body, { secret: 'not-the-secret' })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'POST', url: `/api/webhooks/gitlab/${hook.id}`, headers: { 'content-type': 'application/json', 'x-gitlab-token': hook.secret }, payload: '{}' })).statusCode).toBe(404);
    expect((await send('ping', { zen: 'Keep it logically awesome.' })).json()).toMatchObject({ outcome: 'ignored', reason: 'event "ping" is not one the platform releases on' });
    const delivery = crypto.randomUUID();
    expect((await send('push', body, { delivery })).json()).toMatchObject({ outcome: 'released' });
    expect((await send('push', body, { delivery })).json()).toMatchObject({ outcome: 'duplicate' });
    expect((await send('push', { ...body, deleted: true, after: '0'.repeat(40), head_commit: null })).json()).toMatchObject({ outcome: 'ignored', reason: 'branch deleted' });
    const made = await releasesOf(environmentId);
    expect(made.map((r) => r.ref)).toEqual(['main']);
    expect(made[0]?.description).toContain('carol');
    expect((await t.db.projectWebhook.findUniqueOrThrow({ where: { id: hook.id } })).rejected).toBe(1);
  });

  it('checks Gitee\'s password or timestamped signature', async () => {
    const { environmentId, hook } = await project({ enabled: true, branches: ['main'] }, {}, 'gitee');
    const send = (headers: Record<string, string>, timestamp: string) =>
      t.app.inject({
        method: 'POST',
        url: `/api/webhooks/gitee/${hook.id}`,
        headers: { 'content-type': 'application/json', 'x-gitee-event': 'Push Hook', ...headers },
        payload: JSON.stringify({ hook_name: 'push_hooks', timestamp, ref: 'refs/heads/main', before: '1'.repeat(40), after: repo.commits[0], deleted: false, head_commit: { id: repo.commits[0], message: 'devops' }, pusher: { name: 'dan' }, total_commits_count: 1 }),
      });
    const sign = (timestamp: string) => createHmac('sha256', hook.secret).update(`${timestamp}\n${hook.secret}`).digest('base64');
    const now = String(Date.now());
    const stale = String(Date.now() - 2 * 3_600_000);
    expect((await send({ 'x-gitee-token': hook.secret }, '1')).json()).toMatchObject({ outcome: 'released' });
    expect((await send({ 'x-gitee-token': encodeURIComponent(sign(now)), 'x-gitee-timestamp': now }, now)).json()).toMatchObject({ outcome: 'released' });
    expect((await send({ 'x-gitee-token': sign(now), 'x-gitee-timestamp': now }, now)).json()).toMatchObject({ outcome: 'duplicate' });
    expect((await send({ 'x-gitee-token': sign(stale), 'x-gitee-timestamp': stale }, stale)).statusCode).toBe(401);
    expect((await send({ 'x-gitee-token': 'wrong' }, '2')).statusCode).toBe(401);
    expect((await releasesOf(environmentId)).length).toBe(2);
  });

  it('lets an owner replay a delivery against today\'s rules, as themselves', async () => {
    const { projectId, environmentId, hook } = await project({ enabled: false });
    expect((await gitlabDelivery(hook, push({ message: 'devops' }))).json()).toMatchObject({ outcome: 'ignored', reason: 'no environment of the project has auto-release on' });
    const [first] = (await ok(developer, 'GET', `/api/projects/${projectId}/webhook/deliveries`)).items;
    await ok(owner, 'PATCH', `/api/environments/${environmentId}`, { autoRelease: { enabled: true, branches: ['main'] } });
    const url = `/api/projects/${projectId}/webhook/deliveries/${first.id}/replay`;
    expect((await t.call(developer.token, { method: 'POST', url })).statusCode).toBe(403);
    const replay = await t.call(owner.token, { method: 'POST', url });
    expect(replay.statusCode, replay.body).toBe(201);
    expect(replay.json()).toMatchObject({ outcome: 'released', replayOfId: first.id, replayedBy: owner.username, ref: 'main', commit: repo.commits[0] });
    const [made] = await releasesOf(environmentId);
    expect(made).toMatchObject({ createdById: owner.id, deliveryId: replay.json().id });
    expect(made?.description).toContain(`replay of delivery ${first.id} by ${owner.username}`);
    expect((await t.call(owner.token, { method: 'POST', url: `/api/projects/${projectId}/webhook/deliveries/00000000-0000-4000-8000-000000000000/replay` })).statusCode).toBe(404);
  });
});
