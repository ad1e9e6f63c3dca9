import { GLOBAL_STAGES, TARGET_STAGES } from '@rp/deploy-engine';
import { createSampleAppRepo } from '@rp/deploy-engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReleaseState } from '../src/generated/prisma/enums.js';
import { releaseProgress } from '../src/releases/progress.js';
import { claimNext } from '../src/runs/claim.js';
import { purgeOldLogs } from '../src/runs/retention.js';
import { buildTestApp, type TestApp } from './helpers/test-app.js';

describe('release bookkeeping: ETA from history, log retention, queue order, release windows', () => {
  let t: TestApp;
  let environmentId: string;
  let projectId: string;
  let userId: string;

  beforeAll(async () => {
    t = await buildTestApp();
    const group = await t.createGroup();
    userId = (await t.createUser({ groupId: group.id, role: 'developer' })).id;
    const project = await t.db.project.create({ data: { groupId: group.id, name: 'p', gitUrl: 'file:///x', preset: 'shell' } });
    projectId = project.id;
    environmentId = (await t.db.environment.create({ data: { projectId, name: 'prod', deployPath: '/srv/p', rollout: { strategy: 'parallel', concurrency: 2 } } })).id;
  });
  afterAll(async () => t?.close());

  const release = (state: ReleaseState) =>
    t.db.release.create({ data: { projectId, environmentId, state, ref: 'main', commit: 'c'.repeat(40), rollout: { strategy: 'parallel', concurrency: 2 }, createdById: userId } });

  /** Events of a run: release.started for `targets`, then stage.finished for each named stage. */
  async function run(releaseId: string, targets: string[], stages: { stage: string; target?: string; ms: number }[]) {
    const at = new Date();
    await t.db.releaseEvent.createMany({
      data: [
        { releaseId, seq: 1, at, type: 'release.started', data: { kind: 'release', targets } },
        ...stages.map((s, i) => ({ releaseId, seq: i + 2, at, type: 'stage.finished', stage: s.stage, target: s.target ?? null, data: { durationMs: s.ms, status: 'succeeded' } })),
      ],
    });
  }

  it('estimates the time left from the same environment\'s past runs, per stage and per target', async () => {
    const a = '00000000-0000-4000-8000-00000000000a';
    const b = '00000000-0000-4000-8000-00000000000b';
    const past = await release('succeeded');
    await run(past.id, [a, b], [
      ...GLOBAL_STAGES.map((stage) => ({ stage, ms: stage === 'build' ? 10_000 : 1_000 })),
      ...TARGET_STAGES.flatMap((stage) => [a, b].map((target) => ({ stage, target, ms: 2_000 }))),
    ]);

    const current = await release('running');
    // Every global stage is done; no target stage has finished yet.
    await run(current.id, [a, b], GLOBAL_STAGES.map((stage) => ({ stage, ms: 1_000 })));
    const progress = await releaseProgress({ db: t.db }, current);
    expect(progress.percent).toBe(Math.floor((6 / 22) * 100));
    // 8 target stages × 2 targets × 2 s, two at a time.
    expect(progress.etaSeconds).toBe(16);
  });

  it('purges log lines older than the retention period and keeps stage events and recent lines', async () => {
    const r = await release('succeeded');
    const old = new Date(Date.now() - 31 * 86_400_000);
    await t.db.releaseEvent.createMany({
      data: [
        { releaseId: r.id, seq: 1, at: old, type: 'log', text: 'old line' },
        { releaseId: r.id, seq: 2, at: old, type: 'stage.finished', stage: 'build', data: { durationMs: 1 } },
        { releaseId: r.id, seq: 3, at: new Date(), type: 'log', text: 'new line' },
      ],
    });
    expect(await purgeOldLogs({ db: t.db }, { retentionDays: 30 })).toBe(1);
    const left = await t.db.releaseEvent.findMany({ where: { releaseId: r.id }, orderBy: { seq: 'asc' } });
    expect(left.map((e) => e.seq)).toEqual([2, 3]);
  });

  it('the queue of an environment can be reordered', async () => {
    const [a, b, c] = [await release('queued'), await release('queued'), await release('queued')];
    const base = Date.now();
    for (const [i, r] of [a, b, c].entries()) await t.db.release.update({ where: { id: r.id }, data: { queuedAt: new Date(base + i * 1000) } });
    const owner = await t.createUser({ isAdmin: true });
    const order = async () =>
      (await t.db.release.findMany({ where: { id: { in: [a.id, b.id, c.id] } }, orderBy: { queuedAt: 'asc' }, select: { id: true } })).map((r) => r.id);

    expect((await t.call(owner.token, { method: 'POST', url: `/api/releases/${c.id}/move`, payload: { before: a.id } })).statusCode).toBe(200);
    expect(await order()).toEqual([c.id, a.id, b.id]);
    expect((await t.call(owner.token, { method: 'POST', url: `/api/releases/${a.id}/move`, payload: {} })).statusCode).toBe(200);
    expect(await order()).toEqual([c.id, b.id, a.id]);
    const notQueued = await release('running');
    expect((await t.call(owner.token, { method: 'POST', url: `/api/releases/${notQueued.id}/move`, payload: {} })).statusCode).toBe(409);
  });

  it('refuses releases outside the release windows unless an administrator overrides, which is audited', async () => {
    const repo = createSampleAppRepo();
    try {
      const group = await t.createGroup();
      const developer = await t.createUser({ groupId: group.id, role: 'developer' });
      const admin = await t.createUser({ isAdmin: true });
      const credential = await t.db.credential.create({ data: { groupId: group.id, name: 'k', kind: 'ssh_key', secret: t.app.secrets.encrypt('x'), publicKey: 'ssh-ed25519 AAAA', fingerprint: 'SHA256:x' } });
      const server = await t.db.server.create({ data: { groupId: group.id, name: 's', host: '127.0.0.1', port: 1, username: 'u', credentialId: credential.id } });
      const project = await t.db.project.create({ data: { groupId: group.id, name: 'windowed', gitUrl: repo.url, preset: 'shell' } });
      const tomorrowOnly = [{ days: [(new Date().getUTCDay() + 3) % 7], start: '00:00', end: '24:00' }];
      const env = await t.db.environment.create({
        data: { projectId: project.id, name: 'prod', deployPath: '/srv/w', rollout: { strategy: 'serial' }, releaseWindows: tomorrowOnly, timezone: 'UTC', servers: { create: [{ serverId: server.id }] } },
      });
      const create = (token: string, overrideWindow?: boolean) =>
        t.call(token, { method: 'POST', url: '/api/releases', payload: { environmentId: env.id, ref: 'main', ...(overrideWindow === undefined ? {} : { overrideWindow }) } });

      const refused = await create(developer.token);
      expect(refused.statusCode).toBe(409);
      expect(refused.json().error.message).toContain('outside its release windows');
      expect((await create(developer.token, true)).statusCode).toBe(409);
      const overridden = await create(admin.token, true);
      expect(overridden.statusCode, overridden.body).toBe(201);
      const audit = await t.db.auditLog.findFirst({ where: { action: 'release.create', resourceId: overridden.json().id } });
      expect(audit?.details).toMatchObject({ windowOverridden: true });
    } finally {
      repo.remove();
    }
  });

  it('a scheduled release is not claimed before its time, and does not hold up the queue meanwhile', async () => {
    // claimNext looks at every environment: clear what earlier tests left queued or running.
    await t.db.release.updateMany({ where: { state: { in: ['queued', 'running'] } }, data: { state: 'cancelled' } });
    const later = await release('queued');
    await t.db.release.update({ where: { id: later.id }, data: { queuedAt: new Date(Date.now() - 5000), scheduledAt: new Date(Date.now() + 3_600_000) } });
    expect(await claimNext({ db: t.db }, { workerId: 'test-worker' })).toBeNull();
    await t.db.release.update({ where: { id: later.id }, data: { scheduledAt: new Date(Date.now() - 1000) } });
    expect(await claimNext({ db: t.db }, { workerId: 'test-worker' })).toBe(later.id);
    expect((await t.db.release.findUniqueOrThrow({ where: { id: later.id } })).state).toBe('running');
  });
});
