import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { freePort } from '@rp/deploy-engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitLabStandIn, type GitLabStandIn, type StandInProject } from './helpers/gitlab-stand-in/index.js';
import { releaseFixture, waitForState, type ReleaseFixture } from './helpers/release-fixture.js';
import { buildTestApp, type TestApp } from './helpers/test-app.js';

const TOKEN = 'glpat-push-to-release';

/**
 * The daily workflow end to end: a commit with the keyword pushed to the GitLab stand-in's repository, the stand-in
 * firing the webhook the platform added through GitLab's API, and the release deploying to real sshd hosts.
 */
describe('push to release', () => {
  let t: TestApp;
  let f: ReleaseFixture;
  let gitlab: GitLabStandIn;
  let remote: StandInProject;

  beforeAll(async () => {
    gitlab = await startGitLabStandIn({ token: TOKEN });
    remote = gitlab.addProject({ path: 'sample-app', namespace: 'shop' });
    const port = await freePort();
    t = await buildTestApp({ WORKER_ENABLED: 'true', WORKER_HEARTBEAT_SECONDS: '1', GIT_ALLOW_PRIVATE_HOSTS: 'true', PUBLIC_URL: `http://127.0.0.1:${port}` });
    await t.app.listen({ host: '127.0.0.1', port });
    f = await releaseFixture(t, { hosts: 2, requireApproval: false });
    // The stand-in's repository holds the sample app; the project clones it from there and is linked to it.
    execFileSync('git', ['-C', f.repo.dir, 'push', '-q', '--force', remote.repoDir, 'main:main']);
    const credentialId = (await t.db.credential.create({ data: { groupId: f.groupId, name: 'gitlab-bot', kind: 'git_token', secret: t.app.secrets.encrypt(TOKEN), boundHost: '127.0.0.1' } })).id;
    const platform = await t.db.gitPlatform.create({ data: { groupId: f.groupId, name: 'GitLab', kind: 'gitlab', baseUrl: gitlab.url, credentialId } });
    await t.db.project.update({ where: { id: f.projectId }, data: { gitUrl: `file://${remote.repoDir}`, gitPlatformId: platform.id, remoteProjectId: BigInt(remote.id) } });
  });
  afterAll(async () => {
    await t?.close();
    await f?.cleanup();
    await gitlab?.close();
  });

  const releases = () => t.db.release.findMany({ where: { environmentId: f.environmentId }, orderBy: { createdAt: 'asc' } });
  const revision = (i: number) => readFileSync(path.join(f.hosts.hosts[i]?.deployRoot ?? '', 'app/current/REVISION'), 'utf8').trim();

  it('releases a pushed commit with the keyword exactly once, to every host, and nothing for other pushes', async () => {
    const rule = await t.call(f.owner.token, { method: 'PATCH', url: `/api/environments/${f.environmentId}`, payload: { autoRelease: { enabled: true, branches: ['main'] } } });
    expect(rule.statusCode, rule.body).toBe(200);
    expect(rule.json().autoRelease).toMatchObject({ enabled: true, events: ['push'], branches: ['main'], keyword: 'devops', skipMarker: '[skip deploy]', onNewer: 'queue' });
    const added = await t.call(f.owner.token, { method: 'POST', url: `/api/projects/${f.projectId}/webhook` });
    expect(added.statusCode, added.body).toBe(201);
    expect(added.json().hook).toMatchObject({ kind: 'gitlab', createdBy: f.owner.username });

    const base = execFileSync('git', ['-C', remote.repoDir, 'rev-parse', 'main'], { encoding: 'utf8' }).trim();
    const head = gitlab.commit(remote.id, { branch: 'main', message: 'Fix the basket total\n\nShip it: DevOps' });
    const [delivery] = await gitlab.deliverPush(remote.id, { branch: 'main', before: base, after: head, userUsername: 'alice' });
    expect(delivery?.status, delivery?.body).toBe(200);
    const answer = JSON.parse(delivery?.body ?? '{}');
    expect(answer).toMatchObject({ outcome: 'released' });
    expect(answer.releaseIds).toHaveLength(1);

    const done = await waitForState(t, f.owner.token, answer.releaseIds[0], ['succeeded', 'failed', 'aborted', 'interrupted']);
    expect(done.state, JSON.stringify(done)).toBe('succeeded');
    expect(done).toMatchObject({ ref: 'main', commit: head, createdBy: f.owner.username });
    expect(done.description).toContain('alice');
    expect(done.description).toContain(delivery?.eventUuid);
    for (const i of [0, 1]) {
      expect(f.host(i)).toMatchObject({ current: done.id, currentIsWhole: true });
      expect(revision(i)).toBe(head);
    }

    // GitLab's "Resend request" of the same event creates nothing.
    const again = await delivery?.resend();
    expect(again?.status).toBe(200);
    expect(JSON.parse(again?.body ?? '{}')).toMatchObject({ outcome: 'duplicate', releaseIds: [] });

    // Without the word, or on another branch, a push is recorded and releases nothing.
    const plain = gitlab.commit(remote.id, { branch: 'main', message: 'tidy the devopsy helpers' });
    const [ignored] = await gitlab.deliverPush(remote.id, { branch: 'main', before: head, after: plain, userUsername: 'alice' });
    expect(JSON.parse(ignored?.body ?? '{}')).toMatchObject({ outcome: 'ignored', reason: 'prod: the head commit\'s message lacks the word "devops"' });
    const feature = gitlab.commit(remote.id, { branch: 'feature/basket', message: 'try it devops' });
    const [other] = await gitlab.deliverPush(remote.id, { branch: 'feature/basket', before: '0'.repeat(40), after: feature, userUsername: 'bob' });
    expect(JSON.parse(other?.body ?? '{}')).toMatchObject({ outcome: 'ignored', reason: 'prod: branch feature/basket matches none of main' });

    expect((await releases()).map((r) => r.id)).toEqual([done.id]);
    const listed = (await t.call(f.developer.token, { method: 'GET', url: `/api/projects/${f.projectId}/webhook/deliveries` })).json();
    expect(listed.items.map((d: { outcome: string }) => d.outcome)).toEqual(['ignored', 'ignored', 'released']);
    expect(listed.items[2]).toMatchObject({ trigger: 'push', ref: 'main', refKind: 'branch', commit: head, pusher: 'alice', releases: [{ id: done.id, environmentName: 'prod', state: 'succeeded' }] });
  });
});
