import { execFileSync } from 'node:child_process';
import { createSampleAppRepo, type SampleAppRepo } from '@rp/deploy-engine/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ReleaseState } from '../src/generated/prisma/enums.js';
import { claimNext } from '../src/runs/claim.js';
import { buildTestApp, type TestApp, type TestUser } from './helpers/test-app.js';

/**
 * Each rule of an environment's release policy, and its release windows, on each way a release gets queued or
 * started: create (and the dry run), approve, retry, rollback, trigger, and the worker's claim.
 */
describe('environment release policy', () => {
  let t: TestApp;
  let repo: SampleAppRepo;
  let groupId: string;
  let projectId: string;
  let serverId: string;
  let admin: TestUser;
  let owner: TestUser;
  let developer: TestUser;
  let named: TestUser;
  let viewer: TestUser;
  let tagCommit: string;
  let n = 0;

  /** Closed all day, every day but one three days away: outside the windows whenever the test runs. */
  const closedNow = () => [{ days: [(new Date().getUTCDay() + 3) % 7], start: '00:00', end: '24:00' }];

  beforeAll(async () => {
    t = await buildTestApp({ ALLOW_FILE_GIT_URLS: 'true' });
    repo = createSampleAppRepo();
    tagCommit = repo.commits[0] ?? '';
    execFileSync('git', ['tag', 'v1.0'], { cwd: repo.dir });
    execFileSync('git', ['tag', 'rc-1'], { cwd: repo.dir });
    execFileSync('git', ['branch', 'v-hotfix'], { cwd: repo.dir });
    repo.addCommit();
    groupId = (await t.createGroup()).id;
    admin = await t.createUser({ isAdmin: true });
    owner = await t.createUser({ groupId, role: 'owner' });
    developer = await t.createUser({ groupId, role: 'developer' });
    named = await t.createUser({ groupId, role: 'developer' });
    viewer = await t.createUser({ groupId, role: 'viewer' });
    const credential = await t.db.credential.create({ data: { groupId, name: 'k', kind: 'ssh_key', secret: t.app.secrets.encrypt('x'), publicKey: 'ssh-ed25519 AAAA', fingerprint: 'SHA256:x' } });
    serverId = (await t.db.server.create({ data: { groupId, name: 's', host: '127.0.0.1', port: 1, username: 'u', credentialId: credential.id } })).id;
    projectId = (await t.db.project.create({ data: { groupId, name: 'shop', gitUrl: repo.url, preset: 'shell' } })).id;
  });
  afterAll(async () => {
    await t?.close();
    repo?.remove();
  });

  // claimNext looks at every environment: each test starts with nothing queued or running.
  beforeEach(async () => {
    await t.db.release.updateMany({ where: { state: { in: ['queued', 'running', 'paused'] } }, data: { state: 'cancelled' } });
  });

  const call = (user: TestUser, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) => t.call(user.token, { method, url, ...(payload ? { payload } : {}) });
  const messageOf = (response: { json: () => { error: { message: string } } }) => response.json().error.message;

  /** An environment made by the owner through the API, with one server. */
  async function environment(extra: Record<string, unknown> = {}) {
    n += 1;
    const name = `prod-${n}`;
    const response = await call(owner, 'POST', `/api/projects/${projectId}/environments`, { name, deployPath: '/srv/shop', serverIds: [serverId], ...extra });
    expect(response.statusCode, response.body).toBe(201);
    return { id: response.json().id as string, name };
  }
  const release = (user: TestUser, environmentId: string, body: Record<string, unknown> = {}) => call(user, 'POST', '/api/releases', { environmentId, ref: 'main', ...body });
  /** A release row in a given state, made directly: what the route under test acts on, not the route itself. */
  const releaseRow = (environmentId: string, state: ReleaseState, { ref = 'main', createdById = developer.id } = {}) =>
    t.db.release.create({
      data: { projectId, environmentId, state, ref, commit: tagCommit, rollout: { strategy: 'parallel', concurrency: 5 }, createdById, queuedAt: new Date(), targets: { create: [{ serverId, state: state === 'succeeded' ? 'succeeded' : 'pending' }] } },
    });

  describe('editing the policy', () => {
    it('defaults to the rules from before policies, and is stored and shown as given', async () => {
      const plain = await environment();
      expect((await call(viewer, 'GET', `/api/environments/${plain.id}`)).json().policy).toEqual({
        releasers: 'developers',
        releaserIds: [],
        approvers: 'owners',
        approverIds: [],
        refPolicy: { kind: 'any' },
        customRollout: 'everyone',
      });
      const policy = { releasers: 'named', releaserIds: [named.id], approvers: 'named', approverIds: [developer.id], refPolicy: { kind: 'tags', pattern: 'v*' }, customRollout: 'owners' };
      const strict = await environment({ policy });
      expect((await call(viewer, 'GET', `/api/environments/${strict.id}`)).json().policy).toEqual(policy);
      const patched = await call(owner, 'PATCH', `/api/environments/${strict.id}`, { policy: { releasers: 'owners' } });
      expect(patched.statusCode, patched.body).toBe(200);
      expect(patched.json().policy).toMatchObject({ releasers: 'owners', releaserIds: [], refPolicy: { kind: 'any' } });
      expect((await call(developer, 'PATCH', `/api/environments/${strict.id}`, { policy: {} })).statusCode).toBe(403);
    });

    it('refuses named people who are not developers or owners of the group, and malformed rules', async () => {
      const env = await environment();
      const patch = (policy: object) => call(owner, 'PATCH', `/api/environments/${env.id}`, { policy });
      const outsider = await t.createUser();
      for (const policy of [
        { releasers: 'named', releaserIds: [outsider.id] },
        { releasers: 'named', releaserIds: [viewer.id] },
        { approvers: 'named', approverIds: [] },
        { refPolicy: { kind: 'tags', pattern: 'v[0-9]+' } },
        { refPolicy: { kind: 'tags', pattern: 'v'.repeat(101) } },
        { refPolicy: { kind: 'any', pattern: 'v*' } },
        { refPolicy: { kind: 'regex' } },
        { releasers: 'everyone' },
      ]) {
        const response = await patch(policy);
        expect(response.statusCode, JSON.stringify(policy)).toBe(400);
      }
      expect(messageOf(await patch({ releasers: 'named', releaserIds: [outsider.id] }))).toContain(outsider.id);
    });
  });

  describe('create and dry run', () => {
    it('releasers: owners only, or owners and named developers', async () => {
      const owners = await environment({ policy: { releasers: 'owners' } });
      const refused = await release(developer, owners.id);
      expect(refused.statusCode).toBe(403);
      expect(messageOf(refused)).toBe(`Only owners may release to ${owners.name}`);
      expect((await call(developer, 'POST', '/api/releases/dry-run', { environmentId: owners.id, ref: 'main' })).statusCode).toBe(403);
      expect((await release(owner, owners.id)).statusCode).toBe(201);
      expect((await release(admin, owners.id)).statusCode).toBe(201);

      const list = await environment({ policy: { releasers: 'named', releaserIds: [named.id] } });
      expect((await release(named, list.id)).statusCode).toBe(201);
      expect(messageOf(await release(developer, list.id))).toBe(`Only owners and the named releasers may release to ${list.name}`);
    });

    it('refs: tags matching a pattern, with the tag\'s commit shipped', async () => {
      const tags = await environment({ policy: { refPolicy: { kind: 'tags', pattern: 'v*' } } });
      const branch = await release(developer, tags.id, { ref: 'main' });
      expect(branch.statusCode).toBe(403);
      expect(messageOf(branch)).toBe(`${tags.name} accepts tags matching v* only; "main" does not match`);
      // A branch whose name matches: only the repository can tell, and it is asked.
      expect(messageOf(await release(developer, tags.id, { ref: 'v-hotfix' }))).toBe(`${tags.name} accepts tags matching v* only; "v-hotfix" is a branch`);
      expect(messageOf(await release(developer, tags.id, { ref: 'rc-1' }))).toBe(`${tags.name} accepts tags matching v* only; "rc-1" does not match`);
      expect(messageOf(await release(developer, tags.id, { ref: repo.commits[1] }))).toContain('is a commit');
      const dry = await call(developer, 'POST', '/api/releases/dry-run', { environmentId: tags.id, ref: 'main' });
      expect(dry.statusCode).toBe(403);
      expect(messageOf(dry)).toContain('accepts tags matching v* only');
      const ok = await release(developer, tags.id, { ref: 'v1.0' });
      expect(ok.statusCode, ok.body).toBe(201);
      expect(ok.json().commit).toBe(tagCommit);
      expect((await release(developer, tags.id, { ref: 'v9.9' })).statusCode).toBe(400);

      const branches = await environment({ policy: { refPolicy: { kind: 'branches' } } });
      expect((await release(developer, branches.id, { ref: 'main' })).statusCode).toBe(201);
      expect(messageOf(await release(developer, branches.id, { ref: 'v1.0' }))).toContain('"v1.0" is a tag');
    });

    it('custom rollout: owners only when the policy says so', async () => {
      const env = await environment({ policy: { customRollout: 'owners' } });
      const rollout = { strategy: 'serial' };
      const refused = await release(developer, env.id, { rollout });
      expect(refused.statusCode).toBe(403);
      expect(messageOf(refused)).toBe(`Only owners may choose a custom rollout for ${env.name}`);
      expect((await call(developer, 'POST', '/api/releases/dry-run', { environmentId: env.id, ref: 'main', rollout })).statusCode).toBe(403);
      expect((await release(developer, env.id)).statusCode).toBe(201);
      expect((await release(owner, env.id, { rollout })).statusCode).toBe(201);
    });
  });

  describe('approve and reject', () => {
    it('owners by default; named developers when the policy names them', async () => {
      const byOwners = await environment({ requireApproval: true });
      const first = await releaseRow(byOwners.id, 'pending_approval');
      const refused = await call(named, 'POST', `/api/releases/${first.id}/approve`, {});
      expect(refused.statusCode).toBe(403);
      expect(messageOf(refused)).toBe(`Only owners may approve releases to ${byOwners.name}`);
      expect((await call(named, 'POST', `/api/releases/${first.id}/reject`, {})).statusCode).toBe(403);
      expect((await call(owner, 'POST', `/api/releases/${first.id}/approve`, {})).statusCode).toBe(200);

      const byName = await environment({ requireApproval: true, policy: { approvers: 'named', approverIds: [named.id] } });
      const second = await releaseRow(byName.id, 'pending_approval');
      expect(messageOf(await call(viewer, 'POST', `/api/releases/${second.id}/approve`, {}))).toContain('developer');
      const other = await t.createUser({ groupId, role: 'developer' });
      expect(messageOf(await call(other, 'POST', `/api/releases/${second.id}/approve`, {}))).toBe(`Only owners and the named approvers may approve releases to ${byName.name}`);
      const approved = await call(named, 'POST', `/api/releases/${second.id}/approve`, {});
      expect(approved.statusCode, approved.body).toBe(200);
      expect(approved.json().state).toBe('queued');
      // Still never one's own release.
      const own = await releaseRow(byName.id, 'pending_approval', { createdById: named.id });
      expect(messageOf(await call(named, 'POST', `/api/releases/${own.id}/approve`, {}))).toContain('someone other than its creator');
    });
  });

  describe('retry', () => {
    it('asks the releaser rule of whoever retries, and the ref rule', async () => {
      const env = await environment({ policy: { releasers: 'owners' } });
      const failed = await releaseRow(env.id, 'failed');
      const refused = await call(developer, 'POST', `/api/releases/${failed.id}/retry`);
      expect(refused.statusCode).toBe(403);
      expect(messageOf(refused)).toBe(`Only owners may release to ${env.name}`);
      expect((await call(owner, 'POST', `/api/releases/${failed.id}/retry`)).json().state).toBe('queued');

      const tags = await environment({ policy: { refPolicy: { kind: 'tags', pattern: 'v*' } } });
      const onBranch = await releaseRow(tags.id, 'failed', { ref: 'main' });
      expect(messageOf(await call(owner, 'POST', `/api/releases/${onBranch.id}/retry`))).toContain('accepts tags matching v* only');
    });

    it('is refused outside the release windows unless an administrator overrides (audited)', async () => {
      const env = await environment({ releaseWindows: closedNow(), timezone: 'UTC' });
      const failed = await releaseRow(env.id, 'failed');
      const refused = await call(owner, 'POST', `/api/releases/${failed.id}/retry`);
      expect(refused.statusCode).toBe(409);
      expect(messageOf(refused)).toContain('outside its release windows');
      expect((await call(owner, 'POST', `/api/releases/${failed.id}/retry`, { overrideWindow: true })).statusCode).toBe(409);
      expect((await t.db.release.findUniqueOrThrow({ where: { id: failed.id } })).state).toBe('failed');
      const overridden = await call(admin, 'POST', `/api/releases/${failed.id}/retry`, { overrideWindow: true });
      expect(overridden.statusCode, overridden.body).toBe(200);
      const audit = await t.db.auditLog.findFirst({ where: { action: 'release.retry', resourceId: failed.id } });
      expect(audit?.details).toMatchObject({ windowOverridden: true });
    });
  });

  describe('rollback', () => {
    it('asks the releaser and ref rules', async () => {
      const env = await environment({ policy: { releasers: 'named', releaserIds: [named.id], refPolicy: { kind: 'tags', pattern: 'v*' } } });
      const good = await releaseRow(env.id, 'succeeded', { ref: 'v1.0' });
      expect(messageOf(await call(developer, 'POST', `/api/releases/${good.id}/rollback`, {}))).toBe(`Only owners and the named releasers may release to ${env.name}`);
      const ok = await call(named, 'POST', `/api/releases/${good.id}/rollback`, {});
      expect(ok.statusCode, ok.body).toBe(201);
      expect(ok.json().kind).toBe('rollback');
      const onBranch = await releaseRow(env.id, 'succeeded', { ref: 'main' });
      expect(messageOf(await call(owner, 'POST', `/api/releases/${onBranch.id}/rollback`, {}))).toContain('"main" does not match');
    });

    it('is refused outside the release windows unless an administrator overrides (audited)', async () => {
      const env = await environment({ releaseWindows: closedNow(), timezone: 'UTC' });
      const good = await releaseRow(env.id, 'succeeded');
      const refused = await call(owner, 'POST', `/api/releases/${good.id}/rollback`, {});
      expect(refused.statusCode).toBe(409);
      expect(messageOf(refused)).toContain('outside its release windows');
      const overridden = await call(admin, 'POST', `/api/releases/${good.id}/rollback`, { overrideWindow: true });
      expect(overridden.statusCode, overridden.body).toBe(201);
      const audit = await t.db.auditLog.findFirst({ where: { action: 'release.rollback', resourceId: overridden.json().id } });
      expect(audit?.details).toMatchObject({ windowOverridden: true });
    });
  });

  describe('trigger', () => {
    it('the token\'s creator must still be allowed, and the ref is checked against the ref rule', async () => {
      const env = await environment({ policy: { refPolicy: { kind: 'tags', pattern: 'v*' } } });
      const badDefault = await call(owner, 'POST', `/api/environments/${env.id}/trigger-token`, { defaultRef: 'main' });
      expect(badDefault.statusCode).toBe(403);
      expect(messageOf(badDefault)).toContain('accepts tags matching v* only');
      const issued = await call(owner, 'POST', `/api/environments/${env.id}/trigger-token`, { defaultRef: 'v1.0' });
      expect(issued.statusCode, issued.body).toBe(201);
      const fire = (payload: object) => t.app.inject({ method: 'POST', url: `/api/trigger/${issued.json().token}`, payload });

      const branch = await fire({ ref: 'v-hotfix' });
      expect(branch.statusCode).toBe(403);
      expect(messageOf(branch)).toContain('"v-hotfix" is a branch');
      expect((await fire({})).statusCode).toBe(201);

      // The owner who issued it is now a developer, and the environment takes owners only.
      await call(owner, 'PATCH', `/api/environments/${env.id}`, { policy: { releasers: 'owners', refPolicy: { kind: 'tags', pattern: 'v*' } } });
      await t.db.membership.update({ where: { groupId_userId: { groupId, userId: owner.id } }, data: { role: 'developer' } });
      try {
        const refused = await fire({});
        expect(refused.statusCode).toBe(403);
        expect(messageOf(refused)).toContain(`may no longer release to this environment: Only owners may release to ${env.name}`);
      } finally {
        await t.db.membership.update({ where: { groupId_userId: { groupId, userId: owner.id } }, data: { role: 'owner' } });
      }
    });
  });

  describe('claim', () => {
    const claim = () => claimNext({ db: t.db }, { workerId: 'policy-test' });
    const stateOf = async (id: string) => t.db.release.findUniqueOrThrow({ where: { id }, select: { state: true, error: true } });

    it('cancels, with the reason, a queued release whose creator the environment no longer accepts', async () => {
      const env = await environment();
      const queued = await releaseRow(env.id, 'queued');
      await call(owner, 'PATCH', `/api/environments/${env.id}`, { policy: { releasers: 'owners' } });
      expect(await claim()).toBeNull();
      expect(await stateOf(queued.id)).toEqual({ state: 'cancelled', error: `Not started: Only owners may release to ${env.name}` });
      const audit = await t.db.auditLog.findFirst({ where: { action: 'release.cancel', resourceId: queued.id } });
      expect(audit).toMatchObject({ actorName: 'worker', details: { rule: 'releasers' } });
    });

    it('cancels a queued release of a ref the environment no longer accepts, and claims the next one', async () => {
      const env = await environment();
      const onBranch = await releaseRow(env.id, 'queued', { ref: 'main' });
      const onTag = await releaseRow(env.id, 'queued', { ref: 'v1.0' });
      await call(owner, 'PATCH', `/api/environments/${env.id}`, { policy: { refPolicy: { kind: 'tags', pattern: 'v*' } } });
      expect(await claim()).toBe(onTag.id);
      expect((await stateOf(onBranch.id)).error).toBe(`Not started: ${env.name} accepts tags matching v* only; "main" does not match`);
    });

    it('checks whoever retried a release, not its creator', async () => {
      const env = await environment({ policy: { releasers: 'owners' } });
      const failed = await releaseRow(env.id, 'failed');
      expect((await call(owner, 'POST', `/api/releases/${failed.id}/retry`)).statusCode).toBe(200);
      expect(await claim()).toBe(failed.id);
    });

    it('cancels a queued release whose environment was archived in the same instant it was queued', async () => {
      const env = await environment();
      const queued = await releaseRow(env.id, 'queued');
      // What a racing archive leaves behind: the stamp set although a release had just been queued.
      await t.db.environment.update({ where: { id: env.id }, data: { archivedAt: new Date() } });
      expect(await claim()).toBeNull();
      expect(await stateOf(queued.id)).toEqual({ state: 'cancelled', error: `Not started: environment "${env.name}" was archived` });
    });

    it('cancels a queued release whose creator was disabled', async () => {
      const env = await environment();
      const leaver = await t.createUser({ groupId, role: 'developer' });
      const queued = await releaseRow(env.id, 'queued', { createdById: leaver.id });
      await t.db.user.update({ where: { id: leaver.id }, data: { disabled: true } });
      expect(await claim()).toBeNull();
      expect((await stateOf(queued.id)).state).toBe('cancelled');
    });

    it('keeps a release queued while its windows are closed, without holding up other environments, and starts it when one opens', async () => {
      const closed = await environment({ releaseWindows: closedNow(), timezone: 'UTC' });
      // Another deploy path on the same server, so only the windows can keep them apart.
      const open = await environment({ deployPath: '/srv/other' });
      const waiting = await releaseRow(closed.id, 'queued');
      const other = await releaseRow(open.id, 'queued');
      expect(await claim()).toBe(other.id);
      expect(await claim()).toBeNull();
      expect((await stateOf(waiting.id)).state).toBe('queued');
      await call(owner, 'PATCH', `/api/environments/${closed.id}`, { releaseWindows: [] });
      expect(await claim()).toBe(waiting.id);
    });

    it('starts outside the windows a release an administrator queued with an override', async () => {
      const env = await environment({ releaseWindows: closedNow(), timezone: 'UTC' });
      const created = await release(admin, env.id, { overrideWindow: true });
      expect(created.statusCode, created.body).toBe(201);
      expect(await claim()).toBe(created.json().id);
    });
  });
});
