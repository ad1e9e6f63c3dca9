import { existsSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSshTransport, startRelease, startRollback, type Target } from '../src/index.js';
import { createSampleAppRepo, readHost, samplePlan, sampleTargets, startSshHosts, type SampleAppRepo, type SshHosts } from './harness/index.js';
import { appSays, recorder, tempDir } from './helpers.js';

let ssh: SshHosts;
let repo: SampleAppRepo;
let targets: Target[];
const workDir = tempDir('rp-work-');
const transport = createSshTransport({ connectTimeoutMs: 5000 });

beforeAll(async () => {
  ssh = await startSshHosts(3);
  repo = createSampleAppRepo();
  targets = await sampleTargets(ssh.hosts);
});

afterAll(async () => {
  await ssh?.stopAll();
  repo?.remove();
});

const plan = (releaseId: string, commit: string, overrides = {}) => samplePlan({ releaseId, gitUrl: repo.url, commit, workDir, targets }, overrides);

describe('release lifecycle against real sshd hosts', () => {
  it('first release: every target switches to it, serves it, records history and frees its lock', async () => {
    const rec = recorder();
    const result = await startRelease(plan('r1', repo.commits[0]!), { transport, onEvent: rec.onEvent }).done;

    expect(result.status, JSON.stringify(result.error ?? result.targets)).toBe('succeeded');
    for (const t of targets) {
      expect(result.targets[t.id]).toMatchObject({ state: 'succeeded', current: 'r1', previous: null, switched: true });
      const host = readHost(t.deployPath);
      expect(host.current).toBe('r1');
      expect(host.currentIsWhole).toBe(true);
      expect(host.lock).toBeNull();
      expect(host.history).toEqual([expect.objectContaining({ releaseId: 'r1', from: null, to: 'r1', actor: 'integration-test', kind: 'release' })]);
      expect(await appSays(t.env?.PORT)).toBe('r1');
    }
    // Every stage reports start and finish with a duration; logs carry a strictly increasing seq.
    const finished = rec.of('stage.finished').map((e) => `${e.stage}${e.target ? `@${e.target}` : ''}:${e.status}`);
    for (const stage of ['prepare', 'checkout', 'build', 'package']) expect(finished).toContain(`${stage}:succeeded`);
    for (const stage of ['upload', 'release', 'healthcheck', 'cleanup']) expect(finished).toContain(`${stage}@host1:succeeded`);
    expect(rec.of('stage.started').length).toBe(rec.of('stage.finished').length);
    expect(rec.of('log').some((l) => l.stage === 'release' && l.text.includes('started r1'))).toBe(true);
    expect(rec.seqIncreases()).toBe(true);
    expect(rec.events[0]?.type).toBe('release.started');
    expect(rec.events.at(-1)?.type).toBe('release.finished');
    expect(result.artifact?.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('second release: switches to the new commit and remembers the previous release', async () => {
    const second = repo.addCommit();
    const rec = recorder();
    const result = await startRelease(plan('r2', second), { transport, onEvent: rec.onEvent }).done;

    expect(result.status, JSON.stringify(result.targets)).toBe('succeeded');
    for (const t of targets) {
      expect(result.targets[t.id]).toMatchObject({ state: 'succeeded', current: 'r2', previous: 'r1' });
      expect(readHost(t.deployPath).releases).toEqual(['r1', 'r2']);
      expect(await appSays(t.env?.PORT)).toBe('r2');
    }
    expect(readHost(targets[0]!.deployPath).history.map((h) => h.to)).toEqual(['r1', 'r2']);
  });

  it('the same commit and build config again reuses the cached artifact without checkout or build', async () => {
    const rec = recorder();
    const result = await startRelease(plan('r2b', repo.commits[1]!), { transport, onEvent: rec.onEvent }).done;
    expect(result.status).toBe('succeeded');
    const global = rec.of('stage.finished').filter((e) => !e.target);
    expect(global.find((e) => e.stage === 'checkout')?.status).toBe('skipped');
    expect(global.find((e) => e.stage === 'build')?.status).toBe('skipped');
    // Hosts keep no copy of an artifact, so the cached one is sent again.
    expect(rec.of('stage.finished').find((e) => e.stage === 'upload' && e.target === 'host1')?.status).toBe('succeeded');
  });

  it('rollback plan: switches every target to a kept release, restarts and health-checks it', async () => {
    const rec = recorder();
    const result = await startRollback(
      { releaseId: 'rb1', toReleaseId: 'r1', project: 'sample-app', targets, rollout: { kind: 'serial' }, restartCommand: 'sh bin/restart.sh', healthcheck: { url: 'http://127.0.0.1:{{PORT}}/health', retries: 10, intervalMs: 100 }, actor: 'integration-test' },
      { transport, onEvent: rec.onEvent },
    ).done;

    expect(result.status, JSON.stringify(result.targets)).toBe('succeeded');
    for (const t of targets) {
      expect(result.targets[t.id]).toMatchObject({ state: 'succeeded', current: 'r1', previous: 'r2b' });
      expect(await appSays(t.env?.PORT)).toBe('r1');
      expect(readHost(t.deployPath).history.at(-1)).toMatchObject({ from: 'r2b', to: 'r1', kind: 'rollback' });
      expect(readHost(t.deployPath).lock).toBeNull();
    }
    // No global build stages in a rollback.
    expect(rec.of('stage.started').some((e) => e.stage === 'checkout' || e.stage === 'upload')).toBe(false);
    // Serial rollout: one batch per target.
    expect(rec.of('batch.started').map((b) => b.targets)).toEqual([['host1'], ['host2'], ['host3']]);
  });

  it('rolling back to a release that is not kept fails on that target without switching', async () => {
    const result = await startRollback({ releaseId: 'rb2', toReleaseId: 'nope', project: 'sample-app', targets, rollout: { kind: 'parallel' } }, { transport }).done;
    expect(result.status).toBe('failed');
    expect(result.targets.host1?.error).toMatchObject({ code: 'release-missing' });
    for (const t of targets) expect(readHost(t.deployPath).current).toBe('r1');
  });

  it('refuses a keptAs that names no target or no valid release id, before touching any host', async () => {
    const result = await startRollback(
      { releaseId: 'rb3', toReleaseId: 'r1', keptAs: { elsewhere: 'r1', host1: '../r1' }, project: 'sample-app', targets, rollout: { kind: 'parallel' } },
      { transport },
    ).done;
    expect(result.status).toBe('failed');
    expect(result.error).toMatchObject({ kind: 'engine', code: 'invalid-plan' });
    const message = result.error?.kind === 'engine' ? result.error.message : '';
    expect(message).toMatch(/keptAs: elsewhere is not a target/);
    expect(message).toContain('keptAs: release id "../r1" must match');
    for (const t of targets) expect(readHost(t.deployPath).current).toBe('r1');
  });

  it('a failed health check rolls the batch back to the previous release and stops the rollout', async () => {
    const bad = repo.addCommit({ unhealthy: true });
    const rec = recorder();
    const result = await startRelease(
      plan('r3', bad, {
        rollout: { kind: 'batches', sizes: [1, '100%'], between: { mode: 'auto', delaySeconds: 0 } },
        healthcheck: { url: 'http://127.0.0.1:{{PORT}}/health', retries: 2, intervalMs: 50, timeoutMs: 1000 },
      }),
      { transport, onEvent: rec.onEvent },
    ).done;

    expect(result.status).toBe('failed');
    expect(result.targets.host1).toMatchObject({ state: 'rolled_back', current: 'r1', previous: 'r1', switched: true });
    expect(result.targets.host1?.error).toMatchObject({ code: 'healthcheck-failed' });
    for (const id of ['host2', 'host3']) expect(result.targets[id]).toMatchObject({ state: 'skipped', current: 'r1', switched: false });
    for (const t of targets) {
      expect(readHost(t.deployPath).current).toBe('r1');
      expect(await appSays(t.env?.PORT)).toBe('r1');
      expect(readHost(t.deployPath).lock).toBeNull();
    }
    expect(readHost(targets[0]!.deployPath).history.slice(-2).map((h) => [h.to, h.kind])).toEqual([
      ['r3', 'release'],
      ['r1', 'auto-rollback'],
    ]);
    expect(rec.of('rollback.started')).toEqual([expect.objectContaining({ batch: 0, targets: ['host1'] })]);
    expect(rec.of('rollback.finished')[0]?.failed).toEqual([]);
    expect(rec.of('target.failed')[0]).toMatchObject({ target: 'host1', stage: 'healthcheck' });
    expect(rec.of('batch.started')).toHaveLength(1);
  });

  it('with auto-rollback off, the unhealthy release stays and the run fails', async () => {
    const result = await startRelease(
      plan('r4', repo.commits.at(-1)!, {
        targets: targets.slice(0, 1),
        failurePolicy: { autoRollback: false },
        healthcheck: { url: 'http://127.0.0.1:{{PORT}}/health', retries: 1, intervalMs: 50, timeoutMs: 1000 },
      }),
      { transport },
    ).done;
    expect(result.targets.host1).toMatchObject({ state: 'failed', current: 'r4' });
    expect(readHost(targets[0]!.deployPath).current).toBe('r4');
  });

  it('runs every hook at its stage with the release environment, links shared paths, accepts a health command', async () => {
    const rec = recorder();
    const one = targets.slice(0, 1);
    const result = await startRelease(
      plan('hooks1', repo.commits[0]!, {
        targets: one,
        hooks: {
          'before-checkout': 'echo "before checkout of $COMMIT" > before-checkout.txt',
          // Runs in the fresh checkout, so its output becomes part of the artifact.
          'after-checkout': 'echo "checked out $COMMIT" > HOOKED',
          'before-release': 'echo "before $RELEASE_ID on port $PORT" >> "$DEPLOY_PATH/shared/hooks.log"',
          'after-release': 'echo "after $RELEASE_ID in $(pwd)" >> "$DEPLOY_PATH/shared/hooks.log"',
        },
        sharedFiles: ['config/app.env'],
        healthcheck: { command: 'test "$(curl -fsS http://127.0.0.1:$PORT/health)" = "$RELEASE_ID"', retries: 10, intervalMs: 100 },
      }),
      { transport, onEvent: rec.onEvent },
    ).done;

    expect(result.status, JSON.stringify(result)).toBe('succeeded');
    const deploy = one[0]!.deployPath;
    const release = join(deploy, 'releases', 'hooks1');
    expect(readFileSync(join(release, 'HOOKED'), 'utf8')).toBe(`checked out ${repo.commits[0]}\n`);
    expect(readFileSync(join(deploy, 'shared', 'hooks.log'), 'utf8')).toBe(`before hooks1 on port ${one[0]!.env?.PORT}\nafter hooks1 in ${release}\n`);
    expect(readFileSync(join(workDir, 'sample-app', 'cache', 'before-checkout.txt'), 'utf8')).toBe(`before checkout of ${repo.commits[0]}\n`);
    expect(readlinkSync(join(release, 'logs'))).toBe(join(deploy, 'shared', 'logs'));
    expect(readlinkSync(join(release, 'config', 'app.env'))).toBe(join(deploy, 'shared', 'config', 'app.env'));
    const stages = rec.of('stage.finished').map((e) => `${e.stage}:${e.status}`);
    for (const hook of ['before-checkout', 'after-checkout', 'before-release', 'after-release']) expect(stages).toContain(`hook:${hook}:succeeded`);
  });

  it('automatic batches wait the configured delay between batches', async () => {
    const rec = recorder();
    const result = await startRelease(
      plan('auto1', repo.commits[0]!, { rollout: { kind: 'batches', sizes: [1, 2, '100%'], concurrency: 1, between: { mode: 'auto', delaySeconds: 1 } } }),
      { transport, onEvent: rec.onEvent },
    ).done;
    expect(result.status).toBe('succeeded');
    const finished = rec.of('batch.finished');
    const started = rec.of('batch.started');
    expect(started.map((b) => b.targets)).toEqual([['host1'], ['host2'], ['host3']]);
    // Timers may fire a millisecond early against Date.now(); a missing delay would show ~0 ms.
    for (const i of [1, 2]) expect(Date.parse(started[i]!.at) - Date.parse(finished[i - 1]!.at)).toBeGreaterThanOrEqual(950);
    expect(rec.of('batch.paused')).toEqual([]);
  });

  it('cleanup keeps the newest releases but never the current or previous one', async () => {
    const good = repo.addCommit();
    for (const id of ['r5', 'r6']) {
      const result = await startRelease(plan(id, good, { targets: targets.slice(0, 1), keepReleases: 2 }), { transport }).done;
      expect(result.status, JSON.stringify(result.error ?? result.targets)).toBe('succeeded');
    }
    const host = readHost(targets[0]!.deployPath);
    expect(host.current).toBe('r6');
    expect(host.releases).toEqual(['r5', 'r6']);
  });

  it('runs pre-flight beside checkout and build, and a failed pre-flight stops the build with nothing changed', async () => {
    const commit = repo.addCommit();
    const rec = recorder();
    const base = plan('overlap1', commit);
    const ok = await startRelease({ ...base, build: { command: 'sleep 0.5' } }, { transport, onEvent: rec.onEvent }).done;
    expect(ok.status).toBe('succeeded');
    const order = rec.events.map((e) => (e.type === 'stage.started' || e.type === 'stage.finished') && !e.target ? `${e.type}:${e.stage}` : '');
    expect(order.indexOf('stage.started:checkout')).toBeLessThan(order.indexOf('stage.finished:prepare'));

    const lock = join(targets[0]!.deployPath, '.platform', 'lock');
    writeFileSync(lock, `${JSON.stringify({ releaseId: 'someone-else', instance: 'other', createdAt: new Date().toISOString(), expiresAt: new Date(Date.now() + 60_000).toISOString() })}\n`);
    try {
      const stopped = recorder();
      const started = Date.now();
      const failed = await startRelease({ ...plan('overlap2', repo.addCommit()), build: { command: 'sleep 20' } }, { transport, onEvent: stopped.onEvent }).done;
      expect(failed.status).toBe('failed');
      expect(failed.targets.host1?.error).toMatchObject({ code: 'locked' });
      expect(Date.now() - started).toBeLessThan(15_000);
      // Whether the 20 s build had started when pre-flight failed depends on timing; either way it never finishes.
      expect(stopped.of('stage.finished').find((e) => e.stage === 'build')?.status ?? 'not started').toMatch(/^(aborted|not started)$/);
      expect(stopped.of('stage.started').some((e) => e.stage === 'package' || e.stage === 'upload')).toBe(false);
      for (const t of targets) expect(readHost(t.deployPath).current).toBe('overlap1');
    } finally {
      rmSync(lock, { force: true });
    }
  });

  it.each([
    { compression: 'none', format: 'tar' },
    { compression: 'zstd', format: 'tar.zst' },
    { compression: 'gzip', format: 'tar.gz' },
  ] as const)('packs with $compression, and every host unpacks the .$format as it arrives and keeps no copy', async ({ compression, format }) => {
    const commit = repo.addCommit();
    const id = `rz-${compression}`;
    const base = plan(id, commit);
    const result = await startRelease({ ...base, build: { ...base.build, compression } }, { transport }).done;
    expect(result.status, JSON.stringify(result.error ?? result.targets)).toBe('succeeded');
    expect(result.artifact).toMatchObject({ format });
    expect(result.artifact?.path.endsWith(`.${format}`)).toBe(true);
    for (const t of targets) {
      expect(readdirSync(join(t.deployPath, 'releases'))).toContain(id);
      expect(existsSync(join(t.deployPath, '.releases-incoming'))).toBe(false);
      expect(readdirSync(join(t.deployPath, '.platform', 'received'))).toEqual([]);
      expect(await appSays(t.env?.PORT)).toBe(id);
    }
  });
});
