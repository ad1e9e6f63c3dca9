import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp, type TestUser } from './helpers/test-app.js';

const at = (minute: number) => new Date(Date.UTC(2026, 10, 23, 10, minute));

/**
 * `GET /api/environments/:id/versions` without `check`: what the platform recorded per host, read from the database
 * alone, so the rows here are seeded directly as a batched run leaves them.
 */
describe('the version matrix', () => {
  let t: TestApp;
  let viewer: TestUser;
  let environmentId: string;
  let releaseId: string;
  const servers: string[] = [];

  beforeAll(async () => {
    t = await buildTestApp();
    const group = await t.createGroup();
    viewer = await t.createUser({ groupId: group.id, role: 'viewer' });
    const credential = await t.db.credential.create({
      data: { groupId: group.id, name: 'key', kind: 'ssh_key', secret: t.app.secrets.encrypt('not a usable key'), publicKey: 'ssh-ed25519 AAAA', fingerprint: 'SHA256:x' },
    });
    for (const name of ['web-1', 'web-2', 'web-3']) {
      const server = await t.db.server.create({ data: { groupId: group.id, name, host: '127.0.0.1', port: 1, username: 'deploy', credentialId: credential.id } });
      servers.push(server.id);
    }
    const project = await t.db.project.create({ data: { groupId: group.id, name: 'shop', gitUrl: 'file:///nowhere.git', preset: 'shell' } });
    const environment = await t.db.environment.create({
      data: {
        projectId: project.id,
        name: 'prod',
        deployPath: '/srv/app',
        rollout: { strategy: 'batches', batches: [1, 2] },
        servers: { create: servers.map((serverId) => ({ serverId })) },
      },
    });
    environmentId = environment.id;
    const creator = await t.createUser({ groupId: group.id, role: 'developer' });
    // Finishing the run stamps every target with the release's end (10:30); the hosts switched at 10:05 and 10:20.
    const release = await t.db.release.create({
      data: {
        projectId: project.id,
        environmentId,
        state: 'succeeded',
        ref: 'v1.2.0',
        commit: 'b'.repeat(40),
        rollout: { strategy: 'batches', batches: [1, 2] },
        createdById: creator.id,
        finishedAt: at(30),
        targets: { create: servers.map((serverId) => ({ serverId, state: 'succeeded' as const, finishedAt: at(30) })) },
      },
    });
    releaseId = release.id;
    await t.db.release.update({ where: { id: releaseId }, data: { targets: { updateMany: { where: {}, data: { current: releaseId } } } } });
    const switched = (seq: number, target: string, minute: number) => ({
      releaseId,
      seq,
      at: at(minute),
      type: 'stage.finished',
      stage: 'switch',
      target,
      data: { status: 'succeeded', durationMs: 1000 },
    });
    await t.db.releaseEvent.createMany({
      data: [
        switched(1, servers[0]!, 5),
        { releaseId, seq: 2, at: at(6), type: 'stage.finished', stage: 'healthcheck', target: servers[0]!, data: { status: 'succeeded', durationMs: 1000 } },
        switched(3, servers[1]!, 20),
        switched(4, servers[2]!, 21),
      ],
    });
  });

  afterAll(async () => {
    await t?.close();
  });

  it("gives each host the time its own current was switched, not the release's end", async () => {
    const response = await t.call(viewer.token, { method: 'GET', url: `/api/environments/${environmentId}/versions` });
    expect(response.statusCode).toBe(200);
    const rows = response.json().servers as { serverName: string; recorded: { releaseId: string; at: string } }[];
    expect(rows.map((r) => [r.serverName, r.recorded.releaseId, r.recorded.at])).toEqual([
      ['web-1', releaseId, at(5).toISOString()],
      ['web-2', releaseId, at(20).toISOString()],
      ['web-3', releaseId, at(21).toISOString()],
    ]);
  });

  it("falls back to the target's finish time when no switch event is stored", async () => {
    await t.db.releaseEvent.deleteMany({ where: { releaseId, target: servers[2]! } });
    const rows = (await t.call(viewer.token, { method: 'GET', url: `/api/environments/${environmentId}/versions` })).json().servers as { recorded: { at: string } }[];
    expect(rows[2]!.recorded.at).toBe(at(30).toISOString());
  });
});
