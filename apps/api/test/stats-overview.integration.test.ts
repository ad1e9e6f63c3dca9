import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp, type TestUser } from './helpers/test-app.js';

const rand = () => Math.random().toString(36).slice(2, 10);

/**
 * The dashboard's getting-started checklist and "what runs where": counts and current versions over the groups the
 * caller can see, rows written directly (the routes under test must not be their own setup).
 */
describe('setup progress and environment versions', () => {
  let t: TestApp;
  let owner: TestUser;
  let outsider: TestUser;
  let groupId: string;

  beforeAll(async () => {
    t = await buildTestApp();
    groupId = (await t.createGroup()).id;
    owner = await t.createUser({ groupId, role: 'owner' });
    outsider = await t.createUser({ groupId: (await t.createGroup()).id, role: 'owner' });
  });
  afterAll(async () => {
    await t?.close();
  });

  const get = async (user: TestUser, url: string) => {
    const response = await t.call(user.token, { method: 'GET', url });
    expect(response.statusCode, response.body).toBe(200);
    return response.json();
  };

  it('counts what a first release needs, step by step, only in the caller\'s groups', async () => {
    expect(await get(owner, '/api/stats/setup')).toMatchObject({ groups: 1, servers: 0, projects: 0, environments: 0, releases: 0 });
    const credential = await t.db.credential.create({ data: { groupId, name: `key-${rand()}`, kind: 'ssh_key', secret: t.app.secrets.encrypt('k'), publicKey: 'ssh-ed25519 AAAA', fingerprint: 'SHA256:x' } });
    const server = await t.db.server.create({ data: { groupId, name: `web-${rand()}`, host: '10.0.0.1', port: 22, username: 'deploy', credentialId: credential.id } });
    const project = await t.db.project.create({ data: { groupId, name: `shop-${rand()}`, gitUrl: 'file:///nonexistent', preset: 'shell' } });
    const env = await t.db.environment.create({ data: { projectId: project.id, name: 'prod', deployPath: '/srv/app', rollout: { strategy: 'parallel' }, servers: { create: [{ serverId: server.id }] } } });
    const mine = await get(owner, '/api/stats/setup');
    expect(mine).toMatchObject({ groups: 1, servers: 1, projects: 1, environments: 1, releases: 0 });
    expect(mine.credentials).toBeGreaterThanOrEqual(1);
    expect(await get(outsider, '/api/stats/setup')).toMatchObject({ groups: 1, servers: 0, projects: 0, environments: 0, releases: 0 });

    const release = (ref: string, commit: string, finishedAt: Date, extra: object = {}) =>
      t.db.release.create({ data: { projectId: project.id, environmentId: env.id, state: 'succeeded', ref, commit: commit.repeat(40), rollout: {}, createdById: owner.id, finishedAt, ...extra } });
    expect((await get(owner, '/api/stats/environment-versions')).items).toEqual([
      { projectId: project.id, projectName: project.name, environmentId: env.id, environmentName: 'prod', current: null },
    ]);
    const v1 = await release('v1.1.0', 'a', new Date('2026-11-01T10:00:00Z'), { number: 1 });
    await release('v1.2.0', 'b', new Date('2026-11-02T10:00:00Z'), { number: 2 });
    await t.db.release.create({ data: { projectId: project.id, environmentId: env.id, state: 'failed', ref: 'v1.3.0', commit: 'c'.repeat(40), rollout: {}, createdById: owner.id, finishedAt: new Date('2026-11-04T10:00:00Z') } });
    // The environment went back to v1.1.0: that is what runs, as of the rollback's end.
    await release('v1.1.0', 'a', new Date('2026-11-03T10:00:00Z'), { kind: 'rollback', rollbackToId: v1.id, number: 3 });
    const versions = await get(owner, '/api/stats/environment-versions');
    expect(versions).toEqual({
      total: 1,
      items: [{ projectId: project.id, projectName: project.name, environmentId: env.id, environmentName: 'prod', current: { releaseId: v1.id, number: 1, ref: 'v1.1.0', commit: 'a'.repeat(40), at: '2026-11-03T10:00:00.000Z' } }],
    });
    expect((await get(owner, '/api/stats/setup')).releases).toBe(4);
    expect(await get(outsider, '/api/stats/environment-versions')).toEqual({ total: 0, items: [] });
  });
});
