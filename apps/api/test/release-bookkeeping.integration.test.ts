import { GLOBAL_STAGES, TARGET_STAGES } from '@rp/deploy-engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReleaseState } from '../src/generated/prisma/enums.js';
import { releaseProgress } from '../src/releases/progress.js';
import { purgeOldLogs } from '../src/releases/retention.js';
import { buildTestApp, type TestApp } from './helpers/test-app.js';

describe('release bookkeeping: ETA from history, log retention', () => {
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
    const progress = await releaseProgress(t.db, current);
    expect(progress.percent).toBe(Math.floor((6 / 18) * 100));
    // 6 target stages × 2 targets × 2 s, two at a time.
    expect(progress.etaSeconds).toBe(12);
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
    expect(await purgeOldLogs(t.db, 30)).toBe(1);
    const left = await t.db.releaseEvent.findMany({ where: { releaseId: r.id }, orderBy: { seq: 'asc' } });
    expect(left.map((e) => e.seq)).toEqual([2, 3]);
  });
});
