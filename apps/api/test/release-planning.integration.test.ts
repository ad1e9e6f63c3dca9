import { createSampleAppRepo, type SampleAppRepo } from '@rp/deploy-engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReleaseState } from '../src/generated/prisma/enums.js';
import { buildTestApp, type TestApp, type TestUser } from './helpers/test-app.js';

const DAY = 86_400_000;

describe('planning a release: recent commits, the dry-run plan, statistics and date filters', () => {
  let t: TestApp;
  let repo: SampleAppRepo;
  let dev: TestUser;
  let outsider: TestUser;
  let projectId: string;
  let environmentId: string;
  let servers: { id: string; name: string }[];

  beforeAll(async () => {
    t = await buildTestApp();
    repo = createSampleAppRepo();
    repo.addCommit({ message: 'second' });
    const group = await t.createGroup();
    dev = await t.createUser({ groupId: group.id, role: 'developer' });
    outsider = await t.createUser({ groupId: (await t.createGroup()).id, role: 'owner' });
    const key = await t.db.credential.create({
      data: { groupId: group.id, name: 'key', kind: 'ssh_key', secret: t.app.secrets.encrypt('-----BEGIN OPENSSH PRIVATE KEY----- secret'), publicKey: 'ssh-ed25519 AAAA', fingerprint: 'SHA256:x' },
    });
    servers = await Promise.all(
      ['web-b', 'web-a', 'web-c'].map((name, i) =>
        t.db.server.create({ data: { groupId: group.id, name, host: `10.0.0.${i + 1}`, port: 22, username: 'deploy', credentialId: key.id } }),
      ),
    );
    const project = await t.db.project.create({
      data: { groupId: group.id, name: 'shop', gitUrl: repo.url, preset: 'shell', restartCommand: 'bin/restart.sh', hooks: { 'before-release': 'echo "prepare $TOKEN"' } },
    });
    projectId = project.id;
    const owner = await t.createUser({ groupId: group.id, role: 'owner' });
    const created = await t.call(owner.token, {
      method: 'POST',
      url: `/api/projects/${projectId}/environments`,
      payload: {
        name: 'prod',
        deployPath: '/srv/shop',
        serverIds: servers.map((s) => s.id),
        variables: [
          { key: 'PLAIN', value: 'visible' },
          { key: 'TOKEN', value: 'super-secret-value', secret: true },
        ],
      },
    });
    expect(created.statusCode).toBe(201);
    environmentId = created.json().id;
  });
  afterAll(async () => {
    await t?.close();
    repo?.remove();
  });

  describe('recent commits', () => {
    it('lists the default branch newest first with author, subject and time', async () => {
      const res = await t.call(dev.token, { method: 'GET', url: `/api/projects/${projectId}/commits?limit=5` });
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.ref).toBe('main');
      expect(body.commits.map((c: { sha: string }) => c.sha)).toEqual([...repo.commits].reverse());
      expect(body.commits[0]).toMatchObject({ message: 'second', author: 'Test' });
    });

    it('answers 400 naming the ref for an unknown branch or one with shell syntax, and refuses outsiders', async () => {
      const unknown = await t.call(dev.token, { method: 'GET', url: `/api/projects/${projectId}/commits?ref=nope` });
      expect(unknown.statusCode).toBe(400);
      expect(unknown.json().error.details[0].field).toBe('ref');
      const hostile = await t.call(dev.token, { method: 'GET', url: `/api/projects/${projectId}/commits?ref=${encodeURIComponent('main;id')}` });
      expect(hostile.statusCode).toBe(400);
      const outside = await t.call(outsider.token, { method: 'GET', url: `/api/projects/${projectId}/commits` });
      expect(outside.statusCode).toBe(403);
    });
  });

  describe('dry run', () => {
    it('shows the commands per target, batch by batch, for the exact commit, with secrets masked', async () => {
      const res = await t.call(dev.token, {
        method: 'POST',
        url: '/api/releases/dry-run',
        payload: { environmentId, ref: 'main', rollout: { strategy: 'batches', batches: [1, '100%'], betweenBatches: { mode: 'manual' } } },
      });
      expect(res.statusCode).toBe(200);
      const plan = res.json();
      expect(plan.commit).toBe(repo.commits.at(-1));
      const byName = [...servers].sort((a, b) => a.name.localeCompare(b.name));
      expect(plan.batches).toEqual([[byName[0]?.id], [byName[1]?.id, byName[2]?.id]]);
      // The rollout as it would run, for the summary's gates, and each server's port beside its host.
      expect(plan.rollout).toMatchObject({ strategy: 'batches', batches: [1, '100%'], betweenBatches: { mode: 'manual' } });
      expect(plan.targets.every((x: { port: unknown }) => Number.isInteger(x.port) && (x.port as number) > 0)).toBe(true);
      expect(plan.targets.map((x: { serverName: string }) => x.serverName)).toEqual(['web-a', 'web-b', 'web-c']);
      const first = plan.targets[0];
      const stages = first.commands.map((c: { stage: string }) => c.stage);
      expect(stages).toEqual(expect.arrayContaining(['prepare', 'upload', 'hook:before-release', 'release', 'cleanup']));
      const release = first.commands.find((c: { stage: string }) => c.stage === 'release').command;
      expect(release).toContain('/srv/shop');
      expect(release).toContain(plan.releaseIdPlaceholder);
      expect(plan.global.map((c: { stage: string }) => c.stage)).toEqual(expect.arrayContaining(['checkout', 'package']));
      expect(plan.global.filter((c: { stage: string }) => c.stage === 'checkout').map((c: { command: string }) => c.command).join('\n')).toContain(plan.commit);

      const text = res.body;
      expect(text).toContain('visible');
      expect(text).not.toContain('super-secret-value');
      expect(text).not.toContain('BEGIN OPENSSH');
      expect(await t.db.release.count({ where: { environmentId } })).toBe(0);
    });

    it('plans only the chosen servers and refuses a server of another environment', async () => {
      const subset = await t.call(dev.token, { method: 'POST', url: '/api/releases/dry-run', payload: { environmentId, ref: 'main', serverIds: [servers[2]?.id] } });
      expect(subset.statusCode).toBe(200);
      expect(subset.json().targets.map((x: { serverName: string }) => x.serverName)).toEqual(['web-c']);
      const foreign = await t.call(dev.token, {
        method: 'POST',
        url: '/api/releases/dry-run',
        payload: { environmentId, ref: 'main', serverIds: ['00000000-0000-4000-8000-000000000001'] },
      });
      expect(foreign.statusCode).toBe(400);
      expect(foreign.json().error.details[0].field).toBe('serverIds');
    });
  });

  describe('statistics and date filters', () => {
    let otherProjectId: string;

    async function release(projectIdOf: string, envId: string, state: ReleaseState, createdAt: Date, durationS?: number) {
      return t.db.release.create({
        data: {
          projectId: projectIdOf,
          environmentId: envId,
          state,
          ref: 'main',
          commit: 'c'.repeat(40),
          rollout: { strategy: 'parallel' },
          createdById: dev.id,
          createdAt,
          ...(durationS !== undefined ? { startedAt: createdAt, finishedAt: new Date(createdAt.getTime() + durationS * 1000) } : {}),
        },
      });
    }

    beforeAll(async () => {
      const today = new Date();
      const yesterday = new Date(Date.now() - DAY);
      const longAgo = new Date(Date.now() - 40 * DAY);
      await release(projectId, environmentId, 'succeeded', today, 10);
      await release(projectId, environmentId, 'succeeded', today, 30);
      await release(projectId, environmentId, 'succeeded', yesterday, 20);
      await release(projectId, environmentId, 'failed', yesterday, 5);
      await release(projectId, environmentId, 'aborted', yesterday, 1);
      await release(projectId, environmentId, 'queued', today);
      await release(projectId, environmentId, 'succeeded', longAgo, 999);
      const other = await t.db.project.create({ data: { groupId: (await t.db.group.findFirstOrThrow({ where: { memberships: { some: { userId: outsider.id } } } })).id, name: 'elsewhere', gitUrl: 'file:///x', preset: 'shell' } });
      otherProjectId = other.id;
      const otherEnv = await t.db.environment.create({ data: { projectId: other.id, name: 'prod', deployPath: '/srv/x', rollout: { strategy: 'parallel' } } });
      await release(other.id, otherEnv.id, 'running', today);
    });

    it('counts releases per day and per project over the groups the user can see', async () => {
      const res = await t.call(dev.token, { method: 'GET', url: '/api/stats/releases?days=7' });
      expect(res.statusCode).toBe(200);
      const stats = res.json();
      expect(stats.perDay).toHaveLength(7);
      expect(stats.perDay.at(-1)).toMatchObject({ date: new Date().toISOString().slice(0, 10), total: 3, succeeded: 2, failed: 0 });
      expect(stats.perDay.at(-2)).toMatchObject({ total: 3, succeeded: 1, failed: 1 });
      expect(stats.projects).toEqual([
        // 3 succeeded of 4 finished (the aborted one was a decision); median of 10, 20 and 30 s.
        { projectId, projectName: 'shop', total: 6, succeeded: 3, failed: 1, successRate: 0.75, medianDurationSeconds: 20 },
      ]);
      expect(stats).toMatchObject({ running: 0, queued: 1, pendingApproval: 0 });

      const theirs = (await t.call(outsider.token, { method: 'GET', url: '/api/stats/releases' })).json();
      expect(theirs.projects.map((p: { projectId: string }) => p.projectId)).toEqual([otherProjectId]);
      expect(theirs).toMatchObject({ running: 1, queued: 0 });
    });

    it('refuses a period outside 1..90 days with the field named', async () => {
      const res = await t.call(dev.token, { method: 'GET', url: '/api/stats/releases?days=365' });
      expect(res.statusCode).toBe(400);
      expect(JSON.stringify(res.json().error.details)).toContain('days');
    });

    it('filters the release list by creation date', async () => {
      const from = new Date(Date.now() - DAY - 3600_000).toISOString();
      const to = new Date(Date.now() - 12 * 3600_000).toISOString();
      const res = await t.call(dev.token, { method: 'GET', url: `/api/releases?projectId=${projectId}&createdFrom=${encodeURIComponent(from)}&createdTo=${encodeURIComponent(to)}` });
      expect(res.statusCode).toBe(200);
      expect(res.json().items.map((r: { state: string }) => r.state).sort()).toEqual(['aborted', 'failed', 'succeeded']);
      const bad = await t.call(dev.token, { method: 'GET', url: `/api/releases?createdFrom=yesterday` });
      expect(bad.statusCode).toBe(400);
    });
  });
});
