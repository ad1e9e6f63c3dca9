import { renameSync, symlinkSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from './helpers/test-app.js';
import { releaseFixture, waitForState, type ReleaseFixture } from './helpers/release-fixture.js';
import { bearerProtocols, until, watch } from './helpers/live-viewer.js';

describe('the release path over HTTP and WebSocket, against real sshd hosts', () => {
  let t: TestApp;
  let f: ReleaseFixture;
  let baseUrl: string;

  beforeAll(async () => {
    t = await buildTestApp({ WORKER_ENABLED: 'true', WORKER_HEARTBEAT_SECONDS: '1' });
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    baseUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    f = await releaseFixture(t, { hosts: 2, requireApproval: true });
  });
  afterAll(async () => {
    await t?.close();
    await f?.cleanup();
  });

  const create = async (ref: string) => {
    const response = await t.call(f.developer.token, { method: 'POST', url: '/api/releases', payload: { environmentId: f.environmentId, ref, description: 'ship it' } });
    expect(response.statusCode, response.body).toBe(201);
    return response.json();
  };
  const approve = async (id: string) => {
    const response = await t.call(f.owner.token, { method: 'POST', url: `/api/releases/${id}/approve`, payload: { comment: 'LGTM' } });
    expect(response.statusCode, response.body).toBe(200);
    return response.json();
  };

  it('ships, streams every line in order, ships again, and rolls back', async () => {
    const first = await create('main');
    expect(first).toMatchObject({ state: 'pending_approval', commit: f.repo.commits[0], ref: 'main', createdBy: f.developer.username });
    expect(first.targets).toHaveLength(2);

    const selfApproval = await t.call(f.developer.token, { method: 'POST', url: `/api/releases/${first.id}/approve`, payload: {} });
    expect(selfApproval.statusCode).toBe(403);

    const viewer = watch(baseUrl, f.developer.token, first.id);
    await viewer.opened;
    const approved = await approve(first.id);
    expect(['queued', 'running']).toContain(approved.state);
    // The approver approved; queueing it was the platform's doing, and the audit says so.
    const trail = await t.db.auditLog.findMany({ where: { resourceId: first.id, action: { in: ['release.approve', 'release.enqueue'] } }, orderBy: { id: 'asc' } });
    expect(trail.map((a) => [a.action, a.actorName, a.details])).toEqual([
      ['release.approve', f.owner.username, expect.objectContaining({ comment: 'LGTM' })],
      ['release.enqueue', 'system', expect.objectContaining({ reason: 'approved', approvedBy: f.owner.username })],
    ]);

    const done = await waitForState(t, f.developer.token, first.id, ['succeeded', 'failed', 'aborted', 'interrupted']);
    expect(done.state, JSON.stringify(done)).toBe('succeeded');
    expect(done.targets.map((x: { state: string }) => x.state)).toEqual(['succeeded', 'succeeded']);
    for (const i of [0, 1]) expect(f.host(i)).toMatchObject({ current: first.id, currentIsWhole: true });

    // Every stored event reached the viewer exactly once, in order, and the live state followed.
    await until(() => viewer.state() === 'succeeded' && viewer.events.length === done.lastSeq, 'the viewer to catch up');
    expect(viewer.events.map((e) => e.seq)).toEqual(Array.from({ length: done.lastSeq }, (_, i) => i + 1));
    const stored = (await t.call(f.developer.token, { method: 'GET', url: `/api/releases/${first.id}/logs?limit=10000` })).json();
    expect(viewer.events).toEqual(stored.events);
    expect(viewer.events.filter((e) => e.type === 'log').length).toBeGreaterThan(5);
    expect(viewer.events.at(-1)?.type).toBe('release.finished');
    viewer.close();

    // A viewer that reconnects with its last seq gets only what came after, nothing twice.
    const late = watch(baseUrl, f.developer.token, first.id, done.lastSeq - 3);
    await until(() => late.events.length === 3, 'the resumed snapshot');
    expect(late.events.map((e) => e.seq)).toEqual([done.lastSeq - 2, done.lastSeq - 1, done.lastSeq]);
    late.close();

    const text = await t.call(f.developer.token, { method: 'GET', url: `/api/releases/${first.id}/logs.txt` });
    expect(text.headers['content-type']).toContain('text/plain');
    expect(text.body).toContain('release.finished');

    f.repo.addCommit({ message: 'second version' });
    const second = await create('main');
    expect(second.commit).toBe(f.repo.commits[1]);
    await approve(second.id);
    expect((await waitForState(t, f.developer.token, second.id, ['succeeded', 'failed'])).state).toBe('succeeded');
    for (const i of [0, 1]) expect(f.host(i).current).toBe(second.id);

    // An emergency rollback waits for nobody, though releases here need approval: it returns to a version that
    // already ran here. It switches every server at once and carries no generated (English) description.
    const rollback = await t.call(f.developer.token, { method: 'POST', url: `/api/releases/${first.id}/rollback`, payload: {} });
    expect(rollback.statusCode, rollback.body).toBe(201);
    expect(rollback.json()).toMatchObject({ kind: 'rollback', rollbackToId: first.id, description: '', rollout: { strategy: 'parallel', concurrency: 50 } });
    expect(rollback.json().state).not.toBe('pending_approval');
    const back = await waitForState(t, f.developer.token, rollback.json().id, ['succeeded', 'failed']);
    expect(back.state, JSON.stringify(back)).toBe('succeeded');
    for (const i of [0, 1]) expect(f.host(i)).toMatchObject({ current: first.id, currentIsWhole: true });

    // With the environment's setting on, a rollback waits for approval like a release; this one follows the
    // environment's own rollout.
    const setting = await t.call(f.owner.token, { method: 'PATCH', url: `/api/environments/${f.environmentId}`, payload: { rollbackNeedsApproval: true } });
    expect(setting.json()).toMatchObject({ requireApproval: true, rollbackNeedsApproval: true });
    const forward = await t.call(f.developer.token, { method: 'POST', url: `/api/releases/${second.id}/rollback`, payload: { rollout: 'environment' } });
    expect(forward.statusCode, forward.body).toBe(201);
    expect(forward.json()).toMatchObject({ state: 'pending_approval', rollout: setting.json().rollout });
    await approve(forward.json().id);
    expect((await waitForState(t, f.developer.token, forward.json().id, ['succeeded', 'failed'])).state).toBe('succeeded');
    for (const i of [0, 1]) expect(f.host(i).current).toBe(second.id);
    const bad = await t.call(f.developer.token, { method: 'POST', url: `/api/releases/${second.id}/rollback`, payload: { rollout: 'fastest' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/rollout/);

    const actions = (await t.call(f.owner.token, { method: 'GET', url: `/api/releases?environmentId=${f.environmentId}` })).json();
    expect(actions.items.map((r: { kind: string; state: string }) => `${r.kind}:${r.state}`)).toEqual(['rollback:succeeded', 'rollback:succeeded', 'release:succeeded', 'release:succeeded']);
    // People call them #1, #2 …: numbered per project in creation order, rollbacks included.
    expect(actions.items.map((r: { number: number }) => r.number)).toEqual([4, 3, 2, 1]);
  });

  it('numbers releases created at the same moment one after another, none twice', async () => {
    const before = (await t.db.project.findUniqueOrThrow({ where: { id: f.projectId } })).releaseCount;
    const made = await Promise.all([1, 2, 3, 4, 5].map(() => create('main')));
    expect(made.map((r: { number: number }) => r.number).sort((a: number, b: number) => a - b)).toEqual([1, 2, 3, 4, 5].map((n) => before + n));
    for (const r of made) await t.call(f.developer.token, { method: 'POST', url: `/api/releases/${r.id}/cancel` });
  });

  it('refuses illegal transitions with 409 and the current state', async () => {
    const release = await create('main');
    const start = await t.call(f.developer.token, { method: 'POST', url: `/api/releases/${release.id}/continue` });
    expect(start.statusCode).toBe(409);
    expect(start.json().error.details.state).toBe('pending_approval');
    const cancel = await t.call(f.developer.token, { method: 'POST', url: `/api/releases/${release.id}/cancel` });
    expect(cancel.json().state).toBe('cancelled');
    const approveCancelled = await t.call(f.owner.token, { method: 'POST', url: `/api/releases/${release.id}/approve`, payload: {} });
    expect(approveCancelled.statusCode).toBe(409);
  });

  it('names a ref that does not exist', async () => {
    const response = await t.call(f.developer.token, { method: 'POST', url: '/api/releases', payload: { environmentId: f.environmentId, ref: 'no-such-branch' } });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.details[0].field).toBe('ref');
    const hostile = await t.call(f.developer.token, { method: 'POST', url: '/api/releases', payload: { environmentId: f.environmentId, ref: 'main;touch /tmp/pwned' } });
    expect(hostile.statusCode).toBe(400);
  });

  it('one-click: a trigger token creates a release as its owner, and stops working when revoked', async () => {
    const issued = await t.call(f.owner.token, { method: 'POST', url: `/api/environments/${f.environmentId}/trigger-token`, payload: { defaultRef: 'main' } });
    expect(issued.statusCode).toBe(201);
    const { token } = issued.json();
    expect(token).toMatch(/^trg_/);
    const status = await t.call(f.owner.token, { method: 'GET', url: `/api/environments/${f.environmentId}/trigger-token` });
    expect(status.json().trigger).toMatchObject({ defaultRef: 'main', createdBy: f.owner.username });
    expect(status.body).not.toContain(token);

    const fired = await t.app.inject({ method: 'POST', url: `/api/trigger/${token}`, payload: { description: 'from CI' } });
    expect(fired.statusCode, fired.body).toBe(201);
    expect(fired.json()).toMatchObject({ state: 'pending_approval', createdBy: f.owner.username, ref: 'main', description: 'from CI' });
    await t.call(f.owner.token, { method: 'POST', url: `/api/releases/${fired.json().id}/cancel` });

    expect((await t.app.inject({ method: 'POST', url: '/api/trigger/trg_not-a-real-token', payload: {} })).statusCode).toBe(401);
    expect((await t.call(f.owner.token, { method: 'DELETE', url: `/api/environments/${f.environmentId}/trigger-token` })).statusCode).toBe(204);
    expect((await t.app.inject({ method: 'POST', url: `/api/trigger/${token}`, payload: {} })).statusCode).toBe(401);
    expect((await t.call(f.owner.token, { method: 'GET', url: `/api/environments/${f.environmentId}/trigger-token` })).json()).toEqual({ trigger: null });
  });

  it('version matrix: what the platform recorded per server, and drift when a host was switched by hand', async () => {
    const history = (await t.call(f.owner.token, { method: 'GET', url: `/api/releases?environmentId=${f.environmentId}&state=succeeded` })).json().items;
    const live = f.host(0).current as string;
    const other = history.find((r: { id: string; kind: string }) => r.kind === 'release' && r.id !== live).id as string;

    const recorded = (await t.call(f.developer.token, { method: 'GET', url: `/api/environments/${f.environmentId}/versions` })).json();
    expect(recorded.servers.map((s: { recorded: { releaseId: string } }) => s.recorded.releaseId)).toEqual([live, live]);

    const clean = (await t.call(f.developer.token, { method: 'GET', url: `/api/environments/${f.environmentId}/versions?check=true` })).json();
    expect(clean.servers.map((s: { actual: string; drift: boolean }) => [s.actual, s.drift])).toEqual([
      [live, false],
      [live, false],
    ]);

    // Someone switches web-1 by hand, behind the platform's back.
    const root = path.join(f.hosts.hosts[0]?.deployRoot ?? '', 'app');
    symlinkSync(`releases/${other}`, path.join(root, 'current.manual'));
    renameSync(path.join(root, 'current.manual'), path.join(root, 'current'));
    const drifted = (await t.call(f.developer.token, { method: 'GET', url: `/api/environments/${f.environmentId}/versions?check=true` })).json();
    expect(drifted.servers.map((s: { actual: string; drift: boolean }) => [s.actual, s.drift])).toEqual([
      [other, true],
      [live, false],
    ]);
  });

  it('reports progress while paused between batches, and never stores a secret variable in the log', async () => {
    const secret = 'Sup3r-S3cret-Value-9931';
    const env = await t.call(f.owner.token, {
      method: 'PATCH',
      url: `/api/environments/${f.environmentId}`,
      payload: {
        requireApproval: false,
        variables: [{ key: 'DEPLOY_SECRET', value: secret, secret: true }],
        rollout: { strategy: 'batches', batches: [1, '100%'], betweenBatches: { mode: 'manual' } },
      },
    });
    expect(env.statusCode, env.body).toBe(200);
    const hooks = await t.call(f.owner.token, { method: 'PATCH', url: `/api/projects/${f.projectId}`, payload: { hooks: { 'before-release': 'echo "using secret $DEPLOY_SECRET"' } } });
    expect(hooks.statusCode, hooks.body).toBe(200);

    const release = await create('main');
    const paused = await waitForState(t, f.developer.token, release.id, ['paused', 'failed']);
    expect(paused.state, JSON.stringify(paused)).toBe('paused');
    expect(paused.progress.percent).toBeGreaterThan(0);
    expect(paused.progress.percent).toBeLessThan(100);
    expect(paused.progress.etaSeconds).toBeNull();

    await t.call(f.developer.token, { method: 'POST', url: `/api/releases/${release.id}/continue` });
    const done = await waitForState(t, f.developer.token, release.id, ['succeeded', 'failed']);
    expect(done.state, JSON.stringify(done)).toBe('succeeded');
    expect(done.progress).toEqual({ percent: 100, etaSeconds: 0 });

    const log = (await t.call(f.developer.token, { method: 'GET', url: `/api/releases/${release.id}/logs.txt` })).body;
    expect(log).toContain('using secret ******');
    expect(log).not.toContain(secret);
    const dump = JSON.stringify(await t.db.releaseEvent.findMany({ where: { releaseId: release.id } }));
    expect(dump).not.toContain(secret);
  });

  it('closes the live channel of a release that does not exist with 4404', async () => {
    const admin = await t.createUser({ isAdmin: true });
    const socket = new WebSocket(`${baseUrl.replace('http', 'ws')}/ws/releases/00000000-0000-4000-8000-000000000000`, bearerProtocols(admin.token));
    const code = await new Promise<number>((resolve) => socket.once('close', (c) => resolve(c)));
    expect(code).toBe(4404);
  });
});
