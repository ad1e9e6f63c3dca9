import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { releaseFixture, waitForState, type ReleaseFixture } from './helpers/release-fixture.js';
import { buildTestApp, type TestApp } from './helpers/test-app.js';

/**
 * Scale out and per-host rollback on real sshd hosts: a server added to an environment gets the version the others
 * run, and one host can go back to an older release while the others stay.
 */
describe('scale out and per-host rollback', () => {
  let t: TestApp;
  let f: ReleaseFixture;

  const call = async (method: 'POST' | 'PATCH' | 'GET' | 'DELETE', url: string, payload?: object, token = f.owner.token) => t.call(token, { method, url, ...(payload ? { payload } : {}) });
  const released = async (ref: string) => {
    const response = await call('POST', '/api/releases', { environmentId: f.environmentId, ref });
    expect(response.statusCode, response.body).toBe(201);
    const done = await waitForState(t, f.owner.token, response.json().id, ['succeeded', 'failed']);
    expect(done.state).toBe('succeeded');
    return done as { id: string; commit: string };
  };
  const revisionOn = (i: number) => {
    const { current } = f.host(i);
    return current ? readFileSync(path.join(f.hosts.hosts[i]!.deployRoot, 'app/releases', current, 'REVISION'), 'utf8').trim() : null;
  };

  beforeAll(async () => {
    t = await buildTestApp({ WORKER_ENABLED: 'true', WORKER_HEARTBEAT_SECONDS: '1' });
    f = await releaseFixture(t, { hosts: 2, requireApproval: false });
  }, 120_000);
  afterAll(async () => {
    await f?.cleanup();
    await t?.close();
  });

  it('a server added to the environment gets the current version at once, through a scale_out release', async () => {
    expect((await call('PATCH', `/api/environments/${f.environmentId}`, { serverIds: [f.serverIds[0]] })).statusCode).toBe(200);
    const first = await released('main');
    expect(revisionOn(0)).toBe(first.commit);
    expect(f.host(1).current).toBeNull();

    const developer = await call('POST', `/api/environments/${f.environmentId}/servers`, { serverIds: [f.serverIds[1]] }, f.developer.token);
    expect(developer.statusCode).toBe(403);
    const bad = await call('POST', `/api/environments/${f.environmentId}/servers`, { serverIds: [f.serverIds[0]] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/serverIds.*already in environment prod: web-1/);

    const response = await call('POST', `/api/environments/${f.environmentId}/servers`, { serverIds: [f.serverIds[1]] });
    expect(response.statusCode, response.body).toBe(201);
    const { releaseId, added } = response.json();
    expect(added.map((s: { name: string }) => s.name)).toEqual(['web-2']);
    const scaled = await waitForState(t, f.owner.token, releaseId, ['succeeded', 'failed']);
    expect(scaled).toMatchObject({ kind: 'scale_out', state: 'succeeded', commit: first.commit });
    expect(scaled.targets.map((x: { serverName: string }) => x.serverName)).toEqual(['web-2']);
    expect(revisionOn(1)).toBe(first.commit);
    // The first host was not touched again.
    expect(f.host(0).current).toBe(first.id);
  });

  it('rolls one host back to a release it still has, leaving the others on theirs', async () => {
    const older = await t.db.release.findFirstOrThrow({ where: { environmentId: f.environmentId, kind: 'release', state: 'succeeded' } });
    const sha = f.repo.addCommit({ message: 'second version' });
    const second = await released('main');
    expect(second.commit).toBe(sha);
    expect([revisionOn(0), revisionOn(1)]).toEqual([sha, sha]);

    const response = await call('POST', `/api/releases/${older.id}/rollback`, { serverIds: [f.serverIds[0]] });
    expect(response.statusCode, response.body).toBe(201);
    const rollback = await waitForState(t, f.owner.token, response.json().id, ['succeeded', 'failed']);
    expect(rollback.state).toBe('succeeded');
    expect(rollback.targets.map((x: { serverName: string }) => x.serverName)).toEqual(['web-1']);
    expect(revisionOn(0)).toBe(older.commit);
    expect(revisionOn(1)).toBe(sha);
  });

  it('rolls the whole environment back to a release, also the host that got its version through a scale-out', async () => {
    const older = await t.db.release.findFirstOrThrow({ where: { environmentId: f.environmentId, kind: 'release', state: 'succeeded' }, orderBy: { createdAt: 'asc' } });
    const scaled = await t.db.release.findFirstOrThrow({ where: { environmentId: f.environmentId, kind: 'scale_out' } });
    const response = await call('POST', `/api/releases/${older.id}/rollback`, {});
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json().targets.map((x: { serverName: string }) => x.serverName)).toEqual(['web-1', 'web-2']);
    const rollback = await waitForState(t, f.owner.token, response.json().id, ['succeeded', 'failed']);
    expect(rollback.state, JSON.stringify(rollback.targets)).toBe('succeeded');
    expect([revisionOn(0), revisionOn(1)]).toEqual([older.commit, older.commit]);
    // web-2 went back to the directory its scale-out shipped, and the platform records what is really there.
    expect([f.host(0).current, f.host(1).current]).toEqual([older.id, scaled.id]);
    const versions = (await call('GET', `/api/environments/${f.environmentId}/versions?check=true`)).json();
    expect(versions.servers.map((s: { recorded: { commit: string }; drift: boolean }) => [s.recorded.commit, s.drift])).toEqual([
      [older.commit, false],
      [older.commit, false],
    ]);

    const stranger = await t.db.release.create({
      data: {
        projectId: older.projectId,
        environmentId: f.environmentId,
        kind: 'release',
        state: 'succeeded',
        ref: 'main',
        commit: 'f'.repeat(40),
        rollout: {},
        createdById: f.owner.id,
        targets: { create: [{ serverId: f.serverIds[0]!, state: 'succeeded' }] },
      },
    });
    const foreign = await call('POST', `/api/releases/${stranger.id}/rollback`, { serverIds: [f.serverIds[1]] });
    expect(foreign.statusCode, 'web-2 never had that version').toBe(400);
    expect(foreign.json().error.message).toMatch(/serverIds/);
    await t.db.release.delete({ where: { id: stranger.id } });
  });

  it('targets the servers a label selector picks, resolved when the release is created', async () => {
    expect((await call('PATCH', `/api/servers/${f.serverIds[1]}`, { labels: ['role=web', 'zone=b'] })).statusCode).toBe(200);
    const bad = await call('PATCH', `/api/environments/${f.environmentId}`, { serverSelector: 'role=web;rm -rf /' });
    expect(bad.statusCode).toBe(400);
    const updated = await call('PATCH', `/api/environments/${f.environmentId}`, { serverIds: [], serverSelector: 'role=web,zone=b' });
    expect(updated.statusCode, updated.body).toBe(200);
    expect(updated.json().serverSelector).toBe('role=web,zone=b');

    const response = await call('POST', '/api/releases', { environmentId: f.environmentId, ref: 'main' });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json().targets.map((x: { serverName: string }) => x.serverName)).toEqual(['web-2']);
    // A label taken away later does not change a release already made.
    expect((await call('PATCH', `/api/servers/${f.serverIds[1]}`, { labels: [] })).statusCode).toBe(200);
    const done = await waitForState(t, f.owner.token, response.json().id, ['succeeded', 'failed']);
    expect(done.targets.map((x: { serverName: string }) => x.serverName)).toEqual(['web-2']);
    const none = await call('POST', '/api/releases', { environmentId: f.environmentId, ref: 'main' });
    expect(none.statusCode).toBe(400);
    expect(none.json().error.message).toMatch(/has no servers/);
  });

  it('scales in: runs the offline script, deletes the files when asked, and keeps a server whose step failed', async () => {
    const marker = path.join(tmpdir(), `rp-scale-in-${Date.now()}.log`);
    const reset = await call('PATCH', `/api/environments/${f.environmentId}`, { serverIds: f.serverIds, serverSelector: null, offlineScript: `echo "offline $DEPLOY_PATH" >> ${marker}; test ! -e "$DEPLOY_PATH/shared/stuck"`, onlineScript: 'true' });
    expect(reset.statusCode, reset.body).toBe(200);
    const serversOf = async () => (await call('GET', `/api/environments/${f.environmentId}`)).json().servers.map((s: { name: string }) => s.name);
    try {
      expect((await call('DELETE', `/api/environments/${f.environmentId}/servers/${f.serverIds[1]}`, undefined, f.developer.token)).statusCode).toBe(403);

      // web-1's offline script fails: it stays, unless forced.
      const stuck = path.join(f.hosts.hosts[0]!.deployRoot, 'app/shared/stuck');
      rmSync(stuck, { force: true });
      writeFileSync(stuck, '');
      const refused = await call('DELETE', `/api/environments/${f.environmentId}/servers/${f.serverIds[0]}`);
      expect(refused.statusCode).toBe(409);
      expect(await serversOf()).toEqual(['web-1', 'web-2']);
      rmSync(stuck);

      const removed = await call('DELETE', `/api/environments/${f.environmentId}/servers/${f.serverIds[1]}?removeFiles=true`);
      expect(removed.statusCode, removed.body).toBe(200);
      expect(removed.json().steps.map((x: { step: string; ok: boolean }) => [x.step, x.ok])).toEqual([['offline', true], ['remove-files', true]]);
      expect(await serversOf()).toEqual(['web-1']);
      expect(existsSync(path.join(f.hosts.hosts[1]!.deployRoot, 'app/releases'))).toBe(false);
      expect(existsSync(path.join(f.hosts.hosts[0]!.deployRoot, 'app/releases'))).toBe(true);
      expect(readFileSync(marker, 'utf8').trim().split('\n')).toHaveLength(2);
    } finally {
      rmSync(marker, { force: true });
    }
  });
});
