import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSshTransport, startRelease, startRollback, type ReleasePlan, type Target } from '../src/index.js';
import { createSampleAppRepo, readHost, samplePlan, sampleTargets, startSshHosts, type SampleAppRepo, type SshHosts } from './harness/index.js';
import { recorder, tempDir } from './helpers.js';

let ssh: SshHosts;
let repo: SampleAppRepo;
let targets: Target[];
let healthy: string;
let unhealthy: string;
const workDir = tempDir('rp-work-');
const transport = createSshTransport({ connectTimeoutMs: 3000 });

/** A script line that appends `<what> <target> <epoch ms>` to the deploy path's traffic.log, which the test reads. */
const note = (what: string) => `printf '%s %s %s\\n' ${what} "$TARGET_NAME" "$(date +%s%3N)" >> "$DEPLOY_PATH/traffic.log"`;
const offline = note('offline');
const online = note('online');
const healthCommand = (extra = '') => `${note('healthcheck')} && ${extra}curl -fsS -o /dev/null "http://127.0.0.1:$PORT/health"`;

beforeAll(async () => {
  ssh = await startSshHosts(2);
  repo = createSampleAppRepo();
  targets = (await sampleTargets(ssh.hosts)).map((t) => ({ ...t, env: { ...t.env, TARGET_NAME: t.id } }));
  healthy = repo.addCommit();
  unhealthy = repo.addCommit({ unhealthy: true });
  const first = await startRelease(samplePlan({ releaseId: 'base', gitUrl: repo.url, commit: repo.commits[0]!, workDir, targets }), { transport }).done;
  if (first.status !== 'succeeded') throw new Error(`baseline release failed: ${JSON.stringify(first)}`);
});

afterAll(async () => {
  await ssh?.stopAll();
  repo?.remove();
});

beforeEach(() => {
  for (const t of targets) rmSync(logFile(t), { force: true });
});

function logFile(target: Target): string {
  return join(target.deployPath, 'traffic.log');
}

/** What ran on the target, in order; health check retries (the app still starting) count once. */
function steps(target: Target): string[] {
  if (!existsSync(logFile(target))) return [];
  const names = readFileSync(logFile(target), 'utf8').trim().split('\n').map((line) => line.split(' '));
  for (const [, who] of names) expect(who).toBe(target.id);
  return names.map(([what]) => what ?? '').filter((what, i, all) => what !== 'healthcheck' || all[i - 1] !== 'healthcheck');
}

function timeOf(target: Target, what: string): number {
  const line = readFileSync(logFile(target), 'utf8').split('\n').find((l) => l.startsWith(`${what} `));
  return Number(line?.split(' ')[2]);
}

const plan = (releaseId: string, commit: string, overrides: Partial<ReleasePlan> = {}) =>
  samplePlan(
    { releaseId, gitUrl: repo.url, commit, workDir, targets },
    {
      restartCommand: `${note('restart')} && sh bin/restart.sh`,
      healthcheck: { command: healthCommand(), retries: 20, intervalMs: 100, timeoutMs: 2000 },
      traffic: { offline, online, drainSeconds: 1 },
      ...overrides,
    },
  );

describe('taking targets out of rotation around the switch', () => {
  it('runs offline, drains, switches and restarts, health-checks, then puts each target back online', async () => {
    const rec = recorder();
    const result = await startRelease(plan('t1', healthy), { transport, onEvent: rec.onEvent }).done;

    expect(result.status).toBe('succeeded');
    for (const t of targets) {
      expect(steps(t)).toEqual(['offline', 'restart', 'healthcheck', 'online']);
      expect(timeOf(t, 'restart') - timeOf(t, 'offline')).toBeGreaterThanOrEqual(1000);
      expect(readHost(t.deployPath).current).toBe('t1');
      const stages = rec.of('stage.finished').filter((e) => e.target === t.id).map((e) => `${e.stage}:${e.status}`);
      expect(stages).toEqual(expect.arrayContaining(['offline:succeeded', 'online:succeeded']));
      expect(stages.indexOf('online:succeeded')).toBeGreaterThan(stages.indexOf('healthcheck:succeeded'));
      expect(stages.indexOf('online:succeeded')).toBeLessThan(stages.indexOf('cleanup:succeeded'));
    }
  });

  it('without scripts reports offline and online as skipped and runs nothing for them', async () => {
    const rec = recorder();
    const result = await startRelease(plan('t2', repo.commits[0]!, { traffic: { offline: '', online } }), { transport, onEvent: rec.onEvent }).done;

    expect(result.status).toBe('succeeded');
    for (const t of targets) {
      expect(steps(t)).toEqual(['restart', 'healthcheck']);
      const traffic = rec.of('stage.finished').filter((e) => e.target === t.id && (e.stage === 'offline' || e.stage === 'online'));
      expect(traffic.map((e) => `${e.stage}:${e.status}`)).toEqual(['offline:skipped', 'online:skipped']);
    }
  });

  it('keeps a target whose health check failed out until its batch is switched back, then puts it online once', async () => {
    const before = targets.map((t) => readHost(t.deployPath).current);
    const rec = recorder();
    const result = await startRelease(plan('t3', unhealthy, { healthcheck: { command: healthCommand(), retries: 1, intervalMs: 100, timeoutMs: 2000 } }), {
      transport,
      onEvent: rec.onEvent,
    }).done;

    expect(result.status).toBe('failed');
    for (const [i, t] of targets.entries()) {
      expect(result.targets[t.id]?.state).toBe('rolled_back');
      expect(steps(t)).toEqual(['offline', 'restart', 'healthcheck', 'restart', 'online']);
      expect(readHost(t.deployPath).current).toBe(before[i]);
      const traffic = rec.of('stage.finished').filter((e) => e.target === t.id && (e.stage === 'online' || e.stage === 'rollback'));
      expect(traffic.map((e) => `${e.stage}:${e.status}`)).toEqual(['rollback:succeeded', 'online:succeeded']);
    }
  });

  it('takes a target of the batch that was back online out again before switching it back', async () => {
    const before = targets.map((t) => readHost(t.deployPath).current);
    const failsOnHost2 = `[ "$TARGET_NAME" != host2 ] && `;
    const rec = recorder();
    const result = await startRelease(
      plan('t4', healthy, { healthcheck: { command: healthCommand(failsOnHost2), retries: 4, intervalMs: 200, timeoutMs: 2000 }, traffic: { offline, online } }),
      { transport, onEvent: rec.onEvent },
    ).done;

    expect(result.status).toBe('failed');
    const [host1, host2] = targets as [Target, Target];
    expect(steps(host1)).toEqual(['offline', 'restart', 'healthcheck', 'online', 'offline', 'restart', 'online']);
    expect(steps(host2)).toEqual(['offline', 'restart', 'healthcheck', 'restart', 'online']);
    for (const [i, t] of targets.entries()) {
      expect(result.targets[t.id]?.state).toBe('rolled_back');
      expect(readHost(t.deployPath).current).toBe(before[i]);
    }
  });

  it('an abort during the drain switches nothing and still puts the targets back online', async () => {
    const before = targets.map((t) => readHost(t.deployPath).current);
    const controller = new AbortController();
    const rec = recorder();
    const draining = new Set<string>();
    const started = Date.now();
    const result = await startRelease(plan('t5', healthy, { traffic: { offline, online, drainSeconds: 60 } }), {
      transport,
      signal: controller.signal,
      onEvent: (e) => {
        rec.onEvent(e);
        if (e.type === 'log' && e.stage === 'offline' && e.target && e.text.startsWith('draining')) draining.add(e.target);
        if (draining.size === targets.length && !controller.signal.aborted) controller.abort();
      },
    }).done;

    expect(result.status).toBe('aborted');
    expect(Date.now() - started).toBeLessThan(30_000);
    for (const [i, t] of targets.entries()) {
      expect(steps(t)).toEqual(['offline', 'online']);
      expect(result.targets[t.id]).toMatchObject({ state: 'aborted', switched: false });
      expect(readHost(t.deployPath).current).toBe(before[i]);
      expect(readHost(t.deployPath).lock).toBeNull();
    }
    expect(rec.of('stage.finished').filter((e) => e.stage === 'offline').map((e) => e.status)).toEqual(['aborted', 'aborted']);
  });

  it('a failed offline fails the target before its switch, and online puts it back', async () => {
    const before = targets.map((t) => readHost(t.deployPath).current);
    const rec = recorder();
    const failing = `${offline}; [ "$TARGET_NAME" != host1 ]`;
    const result = await startRelease(plan('t6', healthy, { traffic: { offline: failing, online }, failurePolicy: { tolerate: 1 } }), { transport, onEvent: rec.onEvent }).done;

    const [host1, host2] = targets as [Target, Target];
    expect(result.status).toBe('failed');
    expect(result.targets.host1).toMatchObject({ state: 'failed', switched: false });
    expect(rec.of('target.failed')).toEqual([expect.objectContaining({ target: 'host1', stage: 'offline' })]);
    expect(steps(host1)).toEqual(['offline', 'online']);
    expect(readHost(host1.deployPath).current).toBe(before[0]);
    expect(result.targets.host2?.state).toBe('succeeded');
    expect(steps(host2)).toEqual(['offline', 'restart', 'healthcheck', 'online']);
  });

  it('a failed online fails the target, naming the online stage', async () => {
    const rec = recorder();
    const failing = `${online}; echo 'load balancer refused' >&2; exit 4`;
    const result = await startRelease(plan('t7', repo.commits[0]!, { traffic: { offline, online: failing } }), { transport, onEvent: rec.onEvent }).done;

    expect(result.status).toBe('failed');
    for (const t of targets) {
      expect(steps(t)).toEqual(['offline', 'restart', 'healthcheck', 'online']);
      expect(result.targets[t.id]?.state).toBe('failed');
      expect(result.targets[t.id]?.error).toMatchObject({ kind: 'exec', exitCode: 4, stderrTail: expect.stringContaining('load balancer refused') });
    }
    expect(rec.of('target.failed').map((e) => `${e.target}:${e.stage}`).sort()).toEqual(['host1:online', 'host2:online']);
  });

  it('a rollback plan runs offline before its switch and online after its health check', async () => {
    // t2 is kept on both hosts: every later release failed on host1 or kept t2 as host2's previous one.
    const to = 't2';
    expect(targets.map((t) => readHost(t.deployPath).current)).not.toContain(to);
    const rec = recorder();
    const result = await startRollback(
      {
        releaseId: 'rb1',
        project: 'sample-app',
        toReleaseId: to,
        targets,
        rollout: { kind: 'serial' },
        restartCommand: `${note('restart')} && sh bin/restart.sh`,
        healthcheck: { command: healthCommand(), retries: 20, intervalMs: 100, timeoutMs: 2000 },
        traffic: { offline, online, drainSeconds: 1 },
      },
      { transport, onEvent: rec.onEvent },
    ).done;

    expect(result.status).toBe('succeeded');
    for (const t of targets) {
      expect(steps(t)).toEqual(['offline', 'restart', 'healthcheck', 'online']);
      expect(timeOf(t, 'restart') - timeOf(t, 'offline')).toBeGreaterThanOrEqual(1000);
      expect(readHost(t.deployPath).current).toBe(to);
      const stages = rec.of('stage.finished').filter((e) => e.target === t.id).map((e) => `${e.stage}:${e.status}`);
      expect(stages).toEqual(['offline:succeeded', 'switch:succeeded', 'healthcheck:succeeded', 'online:succeeded', 'cleanup:succeeded']);
    }
  });
});
