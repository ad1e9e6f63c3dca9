import { mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance, InjectOptions } from 'fastify';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { createPasswordHasher } from '../src/shared/passwords.js';
import { loadMasterKey } from '../src/shared/master-key.js';
import { buildTestApp, type TestApp } from './helpers/test-app.js';
import { watch } from './helpers/live-viewer.js';
import { releaseFixture, waitForState, type ReleaseFixture } from './helpers/release-fixture.js';

type Families = ReturnType<typeof parsePrometheusTextFormat>;

const TOKEN = 'metrics-token-for-tests';

const getMetrics = (app: FastifyInstance, options: Omit<InjectOptions, 'method' | 'url'> = {}) => app.inject({ method: 'GET', url: '/metrics', ...options });

/**
 * The body's series, parsed with parse-prometheus-text-format reading histograms as untyped: as histograms, the library
 * folds a labelled one into a single sample without its labels, `_count` or `_sum`. Untyped, each histogram's
 * `_bucket`, `_sum` and `_count` lines are plain series, as Prometheus stores them.
 */
const seriesOf = (body: string) => parsePrometheusTextFormat(body.replace(/^# TYPE (\S+) histogram$/gm, '# TYPE $1 untyped'));

async function scrape(app: FastifyInstance, headers: Record<string, string> = {}): Promise<Families> {
  const response = await getMetrics(app, { headers });
  expect(response.statusCode, response.body).toBe(200);
  return seriesOf(response.body);
}

/** A name's samples: untyped, a histogram's series come as one family per label set. */
const samplesOf = (families: Families, name: string) => families.filter((f) => f.name === name).flatMap((f) => f.metrics);

const sampleOf = (families: Families, name: string, labels: Record<string, string> = {}) =>
  samplesOf(families, name).find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));

/** A series' value; one that is absent counts as 0, as Prometheus' `or vector(0)` would. */
const valueOf = (families: Families, name: string, labels: Record<string, string> = {}) => Number(sampleOf(families, name, labels)?.value ?? 0);

const stageCounts = (families: Families) => Object.fromEntries(samplesOf(families, 'rp_stage_duration_seconds_count').map((m) => [m.labels?.stage ?? '', Number(m.value)]));

describe('GET /metrics with METRICS_TOKEN, and a real release', () => {
  let t: TestApp;
  let f: ReleaseFixture;
  let baseUrl: string;
  let project: string;
  const auth = { authorization: `Bearer ${TOKEN}` };

  beforeAll(async () => {
    t = await buildTestApp({ METRICS_TOKEN: TOKEN, WORKER_ENABLED: 'true', WORKER_HEARTBEAT_SECONDS: '1' });
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    baseUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    f = await releaseFixture(t, { hosts: 1, requireApproval: false });
    const group = await t.db.group.findUniqueOrThrow({ where: { id: f.groupId } });
    project = `${group.name}/sample-app`;
  });
  afterAll(async () => {
    await t?.close();
    await f?.cleanup();
  });

  it('requires the token, even from loopback, and takes no session instead', async () => {
    expect((await getMetrics(t.app)).statusCode).toBe(401);
    expect((await getMetrics(t.app, { headers: { authorization: `Bearer ${TOKEN}x` } })).statusCode).toBe(401);
    expect((await getMetrics(t.app, { headers: { authorization: TOKEN } })).statusCode).toBe(401);
    expect((await getMetrics(t.app, { headers: { authorization: `Bearer ${f.owner.token}` } })).statusCode).toBe(401);

    const remote = await getMetrics(t.app, { headers: auth, remoteAddress: '203.0.113.7' });
    expect(remote.statusCode).toBe(200);
    expect(remote.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    const families = parsePrometheusTextFormat(remote.body);
    expect(families.find((m) => m.name === 'rp_process_cpu_user_seconds_total')?.type).toBe('COUNTER');
    expect(families.find((m) => m.name === 'rp_release_duration_seconds')?.type).toBe('HISTOGRAM');
  });

  it('observes a finished release once: its run, its stages, its state', async () => {
    const before = await scrape(t.app, auth);
    const created = await t.call(f.developer.token, { method: 'POST', url: '/api/releases', payload: { environmentId: f.environmentId, ref: 'main' } });
    expect(created.statusCode, created.body).toBe(201);
    const done = await waitForState(t, f.developer.token, created.json().id, ['succeeded', 'failed', 'aborted', 'interrupted']);
    expect(done.state, JSON.stringify(done)).toBe('succeeded');
    const after = await scrape(t.app, auth);

    const runs = valueOf(after, 'rp_release_duration_seconds_count', { result: 'succeeded' });
    expect(runs - valueOf(before, 'rp_release_duration_seconds_count', { result: 'succeeded' })).toBe(1);
    const row = await t.db.release.findUniqueOrThrow({ where: { id: done.id } });
    const seconds = ((row.finishedAt?.getTime() ?? 0) - (row.startedAt?.getTime() ?? 0)) / 1000;
    expect(valueOf(after, 'rp_release_duration_seconds_sum', { result: 'succeeded' }) - valueOf(before, 'rp_release_duration_seconds_sum', { result: 'succeeded' })).toBeCloseTo(seconds, 2);
    expect(valueOf(after, 'rp_release_duration_seconds_count', { result: 'failed' })).toBe(valueOf(before, 'rp_release_duration_seconds_count', { result: 'failed' }));

    // Every stage the run went through is observed once; the ones it skipped (no hooks here) are not.
    const events = await t.db.releaseEvent.findMany({ where: { releaseId: done.id, type: 'stage.finished' }, select: { stage: true, data: true } });
    const skipped = events.filter((e) => (e.data as { status: string }).status === 'skipped').map((e) => e.stage);
    expect(skipped).toContain('hook:before-checkout');
    const expected: Record<string, number> = {};
    for (const e of events) if (!skipped.includes(e.stage)) expected[e.stage ?? ''] = (expected[e.stage ?? ''] ?? 0) + 1;
    expect(expected).toMatchObject({ build: 1, upload: 1, release: 1 });
    const [was, now] = [stageCounts(before), stageCounts(after)];
    const moved: Record<string, number> = {};
    for (const [stage, count] of Object.entries(now)) if (count !== (was[stage] ?? 0)) moved[stage] = count - (was[stage] ?? 0);
    expect(moved).toEqual(expected);

    expect(valueOf(after, 'rp_releases', { state: 'succeeded', project }) - valueOf(before, 'rp_releases', { state: 'succeeded', project })).toBe(1);
    // The release's connections stay open for reuse (SSH_REUSE_SECONDS) and count until they close.
    expect(valueOf(after, 'rp_ssh_connections')).toBeGreaterThan(0);

    const again = await scrape(t.app, auth);
    expect(valueOf(again, 'rp_release_duration_seconds_count', { result: 'succeeded' })).toBe(runs);
    expect(stageCounts(again)).toEqual(now);
  });

  it('does not replay runs that ended before the process started', async () => {
    const masterKey = await loadMasterKey({ secretKey: t.config.secretKey, dataDir: t.config.dataDir });
    const later = await buildApp({ config: { ...t.config, workerEnabled: false }, db: t.db, databaseUrl: t.database.url, masterKey, hasher: createPasswordHasher(4) });
    try {
      const families = await scrape(later, auth);
      expect(valueOf(families, 'rp_releases', { state: 'succeeded', project })).toBe(1);
      expect(valueOf(families, 'rp_release_duration_seconds_count', { result: 'succeeded' })).toBe(0);
      expect(Object.values(stageCounts(families)).filter((n) => n !== 0)).toEqual([]);
    } finally {
      await later.close();
    }
  });

  it('counts queued releases, live viewers and hosts by state', async () => {
    const later = new Date(Date.now() + 24 * 3600_000).toISOString();
    const scheduled = await t.call(f.developer.token, { method: 'POST', url: '/api/releases', payload: { environmentId: f.environmentId, ref: 'main', scheduledAt: later } });
    expect(scheduled.statusCode, scheduled.body).toBe(201);
    const queued = await scrape(t.app, auth);
    expect(valueOf(queued, 'rp_release_queue_length')).toBe(1);
    expect(valueOf(queued, 'rp_releases', { state: 'queued', project })).toBe(1);
    await t.call(f.developer.token, { method: 'POST', url: `/api/releases/${scheduled.json().id}/cancel` });
    expect(valueOf(await scrape(t.app, auth), 'rp_release_queue_length')).toBe(0);

    expect(valueOf(await scrape(t.app, auth), 'rp_live_viewers')).toBe(0);
    const viewer = watch(baseUrl, f.developer.token, scheduled.json().id);
    await viewer.opened;
    expect(valueOf(await scrape(t.app, auth), 'rp_live_viewers')).toBe(1);
    viewer.close();
    const deadline = Date.now() + 10_000;
    while (valueOf(await scrape(t.app, auth), 'rp_live_viewers') !== 0) {
      if (Date.now() > deadline) throw new Error('a closed viewer is still counted');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }

    // The worker monitors the fixture's environment: paused, its hosts hold still (unknown) while the counts are read.
    expect((await t.call(f.owner.token, { method: 'PATCH', url: `/api/environments/${f.environmentId}/monitor`, payload: { paused: true } })).statusCode).toBe(200);
    const stillUnknown = async () => (await t.db.hostStatus.count({ where: { environmentId: f.environmentId, state: { not: 'unknown' } } })) === 0;
    for (const deadline = Date.now() + 30_000; !(await stillUnknown()); ) {
      if (Date.now() > deadline) throw new Error('the paused environment\'s hosts did not turn unknown');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const counts = (families: Awaited<ReturnType<typeof scrape>>) => Object.fromEntries(['up', 'down', 'unknown'].map((state) => [state, valueOf(families, 'rp_hosts', { state })]));
    const before = counts(await scrape(t.app, auth));
    const [staging, canary] = await Promise.all(['staging', 'canary'].map((name) => t.db.environment.create({ data: { projectId: f.projectId, name, deployPath: `/srv/${name}`, rollout: {} } })));
    const serverId = f.serverIds[0] as string;
    await t.db.hostStatus.createMany({
      data: [
        { environmentId: staging!.id, serverId, state: 'down' },
        { environmentId: canary!.id, serverId, state: 'up' },
      ],
    });
    const after = counts(await scrape(t.app, auth));
    expect({ up: after.up! - before.up!, down: after.down! - before.down!, unknown: after.unknown! - before.unknown! }).toEqual({ up: 1, down: 1, unknown: 0 });
  });
});

describe('GET /metrics without METRICS_TOKEN', () => {
  let t: TestApp;

  beforeAll(async () => {
    const webDist = mkdtempSync(path.join(tmpdir(), 'rp-metrics-web-'));
    writeFileSync(path.join(webDist, 'index.html'), '<!doctype html><html><body>SPA</body></html>');
    t = await buildTestApp({ WEB_DIST: webDist });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers loopback clients only, and is no longer the SPA', async () => {
    expect((await getMetrics(t.app, { remoteAddress: '127.0.0.1' })).statusCode).toBe(200);
    const v6 = await getMetrics(t.app, { remoteAddress: '::1' });
    expect(v6.statusCode).toBe(200);
    expect(v6.headers['content-type']).toContain('text/plain');
    expect(v6.body).not.toContain('SPA');
    expect((await t.app.inject({ method: 'GET', url: '/releases/anything' })).body).toContain('SPA');

    const remote = await getMetrics(t.app, { remoteAddress: '10.1.2.3', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(remote.statusCode).toBe(403);
    expect(remote.json().error.message).toContain('METRICS_TOKEN');
    // Relayed by a proxy on this host: the client is somewhere else.
    expect((await getMetrics(t.app, { remoteAddress: '127.0.0.1', headers: { 'x-forwarded-for': '198.51.100.4' } })).statusCode).toBe(403);
  });

  it('shows the notification outbox: events not expanded, deliveries pending or sending', async () => {
    expect(valueOf(await scrape(t.app), 'rp_notification_outbox_depth')).toBe(0);
    const event = await t.db.notificationEvent.create({ data: { type: 'release.succeeded' } });
    const expanded = await t.db.notificationEvent.create({ data: { type: 'release.succeeded', expandedAt: new Date() } });
    const channel = await t.db.notificationChannel.create({ data: { name: 'ops', kind: 'webhook', secret: '' } });
    await t.db.notificationDelivery.createMany({
      data: ['pending', 'sending', 'sent', 'failed'].map((state) => ({ eventId: expanded.id, channelId: channel.id, dedupeKey: `${expanded.id}:${state}`, state })),
    });
    expect(valueOf(await scrape(t.app), 'rp_notification_outbox_depth')).toBe(3);
    await t.db.notificationEvent.update({ where: { id: event.id }, data: { expandedAt: new Date() } });
    expect(valueOf(await scrape(t.app), 'rp_notification_outbox_depth')).toBe(2);
  });
});
