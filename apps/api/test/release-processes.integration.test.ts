import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until, watch } from './helpers/live-viewer.js';
import { releaseFixture, waitForState, type ReleaseFixture } from './helpers/release-fixture.js';
import { startServer, type ServerProcess } from './helpers/server-process.js';
import { buildTestApp, type TestApp } from './helpers/test-app.js';

const SECRET_KEY = 'processes-test-shared-secret-key';

/**
 * The scale-out shape: API processes without workers and worker processes, all on one PostgreSQL. The in-process
 * test app (no worker) only registers resources and reads state.
 */
describe('API and worker processes on one database', () => {
  let t: TestApp;
  let f: ReleaseFixture;
  const processes: ServerProcess[] = [];
  let env: Record<string, string>;

  beforeAll(async () => {
    t = await buildTestApp({ SECRET_KEY });
    f = await releaseFixture(t, { hosts: 2, requireApproval: false, rollout: { strategy: 'batches', batches: [1, '100%'], betweenBatches: { mode: 'manual' } } });
    env = {
      DATABASE_URL: t.database.url,
      SECRET_KEY,
      DATA_DIR: mkdtempSync(path.join(tmpdir(), 'rp-proc-')),
      LOG_LEVEL: 'info',
      WORKER_HEARTBEAT_SECONDS: '1',
      WORKER_STALE_SECONDS: '3',
    };
  });
  afterAll(async () => {
    for (const p of processes) await p.stop('SIGKILL');
    await t?.close();
    await f?.cleanup();
  });

  const start = async (entry: 'server' | 'worker', extra: Record<string, string> = {}) => {
    const p = await startServer({ ...env, WORKER_ENABLED: 'false', ...extra }, { entry });
    processes.push(p);
    return p;
  };
  const post = async (base: string, url: string, body: object = {}): Promise<{ id: string; state: string }> => {
    const response = await fetch(`${base}${url}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${f.developer.token}` },
      body: JSON.stringify(body),
    });
    const json = (await response.json()) as { id: string; state: string };
    expect(response.status, JSON.stringify(json)).toBeLessThan(300);
    return json;
  };

  it('a release started through API process 1 streams live to a viewer on API process 2; kill -9 of its worker leaves it interrupted with accurate targets; retry completes it', async () => {
    const api1 = await start('server');
    const api2 = await start('server');
    const worker1 = await start('worker');

    const release = await post(api1.baseUrl, '/api/releases', { environmentId: f.environmentId, ref: 'main' });
    expect(release.state).toBe('queued');
    const viewer = watch(api2.baseUrl, f.developer.token, release.id);
    await viewer.opened;

    // The first batch (one server) ships, then the rollout waits for "continue": mid-release, deterministically.
    await until(() => viewer.state() === 'paused', 'the viewer on process 2 to see the pause', 60_000);
    const seen = viewer.events.map((e) => e.seq);
    expect(seen).toEqual(Array.from({ length: seen.length }, (_, i) => i + 1));
    expect(viewer.events.some((e) => e.type === 'batch.paused')).toBe(true);
    const switched = [f.host(0).current, f.host(1).current].filter(Boolean);
    expect(switched).toEqual([release.id]);

    await worker1.stop('SIGKILL');
    const worker2 = await start('worker');
    const interrupted = await waitForState(t, f.developer.token, release.id, ['interrupted'], 30_000);
    const byState = interrupted.targets.map((x: { state: string }) => x.state).sort();
    expect(byState).toEqual(['pending', 'succeeded']);
    await until(() => viewer.state() === 'interrupted', 'the viewer to see the interruption');
    // The dead run still holds the host lock of the server it had not reached (taken at prepare); its retry is the
    // same release, so it may take it.
    const waiting = f.serverIds.indexOf(interrupted.targets.find((x: { state: string }) => x.state === 'pending').serverId);
    expect(waiting).toBe(1);
    expect(f.host(waiting).lock).toMatchObject({ releaseId: release.id });

    await post(api2.baseUrl, `/api/releases/${release.id}/retry`);
    await until(() => viewer.state() === 'paused' || viewer.state() === 'succeeded', 'the retry to run', 60_000);
    if (viewer.state() === 'paused') await post(api1.baseUrl, `/api/releases/${release.id}/continue`);
    const done = await waitForState(t, f.developer.token, release.id, ['succeeded', 'failed']);
    expect(done.state, JSON.stringify(done)).toBe('succeeded');
    // The release began with its first run: the retry did not move its start.
    expect(done.startedAt).toBe(interrupted.startedAt);
    for (const i of [0, 1]) expect(f.host(i)).toMatchObject({ current: release.id, currentIsWhole: true });
    await until(() => viewer.events.length === done.lastSeq, 'every event on process 2');
    expect(viewer.events.map((e) => e.seq)).toEqual(Array.from({ length: done.lastSeq }, (_, i) => i + 1));
    viewer.close();
    await worker2.stop('SIGTERM');
  }, 180_000);

  it('two releases created at once for one environment: one runs, the other queues, and hosts never see them interleaved', async () => {
    await t.call(f.owner.token, { method: 'PATCH', url: `/api/environments/${f.environmentId}`, payload: { rollout: { strategy: 'parallel', concurrency: 4 } } });
    const api = await start('server');
    f.repo.addCommit({ message: 'for the queue test' });
    // A lock left behind by a release whose worker died and that nobody retried: it must not block the hosts until
    // it expires. (The state a kill -9 leaves: an interrupted release, its lock still on the host.)
    const dead = await t.db.release.create({
      data: { projectId: f.projectId, environmentId: f.environmentId, state: 'interrupted', ref: 'main', commit: f.repo.commits[0] as string, rollout: {}, createdById: f.developer.id, targets: { create: [{ serverId: f.serverIds[1] as string, state: 'interrupted' }] } },
    });
    writeFileSync(path.join(f.hosts.hosts[1]?.deployRoot ?? '', 'app/.platform/lock'), `${JSON.stringify({ releaseId: dead.id, instance: 'dead-worker', expiresAt: new Date(Date.now() + 3600_000).toISOString() })}\n`);
    const [a, b] = await Promise.all([
      post(api.baseUrl, '/api/releases', { environmentId: f.environmentId, ref: 'main', description: 'A' }),
      post(api.baseUrl, '/api/releases', { environmentId: f.environmentId, ref: 'main', description: 'B' }),
    ]);
    const worker = await start('worker', { WORKER_CONCURRENCY: '4' });
    const states = new Set<string>();
    const deadline = Date.now() + 90_000;
    for (;;) {
      const [ra, rb] = await Promise.all([a.id, b.id].map(async (id) => (await t.call(f.developer.token, { method: 'GET', url: `/api/releases/${id}` })).json()));
      states.add(`${ra.state}/${rb.state}`);
      expect(ra.state === 'running' && rb.state === 'running').toBe(false);
      if (ra.state === 'succeeded' && rb.state === 'succeeded') break;
      if (Date.now() > deadline) throw new Error(`stuck: ${[...states].join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect([...states].some((s) => s === 'running/queued' || s === 'queued/running')).toBe(true);
    for (const i of [0, 1]) {
      const switches = f.host(i).history.map((h) => h.releaseId).filter((id) => id === a.id || id === b.id);
      // Each release switched the host once, one after the other.
      expect(switches).toHaveLength(2);
      expect(new Set(switches).size).toBe(2);
    }
    const [ra, rb] = await Promise.all([a.id, b.id].map(async (id) => (await t.call(f.developer.token, { method: 'GET', url: `/api/releases/${id}` })).json()));
    const [firstDone, second] = new Date(ra.finishedAt) < new Date(rb.finishedAt) ? [ra, rb] : [rb, ra];
    expect(new Date(second.startedAt).getTime()).toBeGreaterThanOrEqual(new Date(firstDone.finishedAt).getTime());
    await worker.stop('SIGTERM');
  }, 180_000);
});
