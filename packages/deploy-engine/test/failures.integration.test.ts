import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSshTransport, retryFailed, startRelease, type Target } from '../src/index.js';
import { createSampleAppRepo, freePort, readHost, samplePlan, sampleTargets, startSshHosts, type SampleAppRepo, type SshHosts } from './harness/index.js';
import { appSays, recorder, tempDir } from './helpers.js';

let ssh: SshHosts;
let repo: SampleAppRepo;
let targets: Target[];
const workDir = tempDir('rp-work-');
const transport = createSshTransport({ connectTimeoutMs: 3000 });

beforeAll(async () => {
  ssh = await startSshHosts(3);
  repo = createSampleAppRepo();
  targets = await sampleTargets(ssh.hosts);
  const first = await startRelease(samplePlan({ releaseId: 'base', gitUrl: repo.url, commit: repo.commits[0]!, workDir, targets }), { transport }).done;
  if (first.status !== 'succeeded') throw new Error(`baseline release failed: ${JSON.stringify(first)}`);
  repo.addCommit();
});

afterAll(async () => {
  await ssh?.stopAll();
  repo?.remove();
});

const plan = (releaseId: string, overrides = {}) => samplePlan({ releaseId, gitUrl: repo.url, commit: repo.commits[1]!, workDir, targets }, overrides);

function writeLock(target: Target, owner: Record<string, unknown>): void {
  mkdirSync(join(target.deployPath, '.platform'), { recursive: true });
  writeFileSync(join(target.deployPath, '.platform', 'lock'), `${JSON.stringify(owner)}\n`);
}

describe('failures are values and change nothing they should not', () => {
  it('an unreachable host fails pre-flight and no target is switched', async () => {
    const deadPort = await freePort();
    const dead: Target = { ...targets[0]!, id: 'dead', server: { ...targets[0]!.server, port: deadPort }, deployPath: '/srv/dead' };
    const rec = recorder();
    const started = Date.now();
    const result = await startRelease(plan('u1', { targets: [...targets, dead] }), { transport, onEvent: rec.onEvent }).done;

    expect(result.status).toBe('failed');
    expect(result.targets.dead).toMatchObject({ state: 'failed', current: null });
    expect(result.targets.dead?.error).toMatchObject({ kind: 'engine', code: 'connect-failed' });
    expect(rec.of('target.failed')).toEqual([expect.objectContaining({ target: 'dead', stage: 'prepare' })]);
    for (const t of targets) {
      expect(result.targets[t.id]).toMatchObject({ state: 'skipped', current: 'base' });
      expect(readHost(t.deployPath).current).toBe('base');
      expect(readHost(t.deployPath).lock).toBeNull();
    }
    expect(rec.of('stage.started').some((e) => e.stage === 'upload')).toBe(false);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('a wrong pinned host key refuses the connection with a clear error', async () => {
    const impostor: Target = { ...targets[0]!, server: { ...targets[0]!.server, hostKeyFingerprint: ssh.hosts[1]!.hostKeyFingerprint } };
    const result = await startRelease(plan('k1', { targets: [impostor] }), { transport }).done;
    expect(result.status).toBe('failed');
    expect(result.targets.host1?.error).toMatchObject({ code: 'host-key-mismatch' });
    expect((result.targets.host1?.error as { message: string }).message).toContain(ssh.hosts[0]!.hostKeyFingerprint);
    expect(readHost(targets[0]!.deployPath).current).toBe('base');
  });

  it('without a pinned key the host key is trusted on first use and reported', async () => {
    const { hostKeyFingerprint: _pinned, ...unpinned } = targets[0]!.server;
    const rec = recorder();
    const result = await startRelease(plan('k2', { targets: [{ ...targets[0]!, server: unpinned }] }), { transport, onEvent: rec.onEvent }).done;
    expect(result.status).toBe('succeeded');
    expect(rec.of('hostkey.learned')).toEqual([
      expect.objectContaining({ server: { host: '127.0.0.1', port: ssh.hosts[0]!.port }, fingerprint: ssh.hosts[0]!.hostKeyFingerprint }),
    ]);
  });

  it('a lock held by another live run fails fast naming its owner; nothing is switched', async () => {
    const owner = { releaseId: 'someone-else', instance: 'other-worker', createdAt: new Date().toISOString(), expiresAt: new Date(Date.now() + 600_000).toISOString() };
    writeLock(targets[1]!, owner);
    const before = targets.map((t) => readHost(t.deployPath).current);
    const started = Date.now();
    const result = await startRelease(plan('l1'), { transport }).done;

    expect(result.status).toBe('failed');
    expect(result.targets.host2?.error).toMatchObject({ code: 'locked' });
    expect((result.targets.host2?.error as { message: string }).message).toMatch(/someone-else on other-worker/);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(targets.map((t) => readHost(t.deployPath).current)).toEqual(before);
    expect(result.targets.host1).toMatchObject({ state: 'skipped', switched: false });
    // The foreign lock is untouched; our own locks on the other hosts were given back.
    expect(readHost(targets[1]!.deployPath).lock).toMatchObject({ releaseId: 'someone-else' });
    expect(readHost(targets[0]!.deployPath).lock).toBeNull();
  });

  it('tolerating one failure deploys the rest; retrying the failed target reuses the artifact', async () => {
    const rec = recorder();
    const first = await startRelease(plan('t1', { failurePolicy: { tolerate: 1 } }), { transport, onEvent: rec.onEvent }).done;
    expect(first.status).toBe('failed');
    expect(first.targets.host1).toMatchObject({ state: 'succeeded', current: 't1' });
    expect(first.targets.host3).toMatchObject({ state: 'succeeded', current: 't1' });
    expect(first.targets.host2).toMatchObject({ state: 'failed', current: 'base' });

    // The operator clears the stale lock, then retries only what failed.
    writeLock(targets[1]!, { releaseId: 'gone', instance: 'x', expiresAt: new Date(Date.now() - 1000).toISOString() });
    const retryRec = recorder();
    const retry = await retryFailed(first, plan('t1'), { transport, onEvent: retryRec.onEvent }).done;

    expect(retry.status, JSON.stringify(retry)).toBe('succeeded');
    expect(Object.keys(retry.targets)).toEqual(['host2']);
    expect(retry.targets.host2).toMatchObject({ state: 'succeeded', current: 't1', previous: 'base' });
    expect(retry.artifact?.sha256).toBe(first.artifact?.sha256);
    // The expired lock was taken over and reported; nothing was checked out or built again.
    expect(retryRec.of('lock.takenOver')).toEqual([expect.objectContaining({ target: 'host2', previousOwner: expect.objectContaining({ releaseId: 'gone' }) })]);
    expect(retryRec.of('stage.finished').filter((e) => ['checkout', 'build', 'package'].includes(e.stage)).map((e) => e.status)).toEqual(['skipped', 'skipped', 'skipped']);
    expect(retryRec.of('stage.started').filter((e) => e.target === 'host1' || e.target === 'host3')).toEqual([]);
    for (const t of targets) {
      expect(readHost(t.deployPath).current).toBe('t1');
      expect(await appSays(t.env?.PORT)).toBe('t1');
    }
  });

  it('manual batches pause until continue(); a second run meanwhile is refused by the locks', async () => {
    const rec = recorder();
    let handle: ReturnType<typeof startRelease> | undefined;
    let duringPause: { paused: string[]; currents: (string | null)[]; rival?: Awaited<ReturnType<typeof startRelease>['done']> } | undefined;
    const pausedSeen = new Promise<void>((resolve) => {
      handle = startRelease(plan('m1', { rollout: { kind: 'batches', sizes: [1, '100%'], between: { mode: 'manual' } } }), {
        transport,
        onEvent: (e) => {
          rec.onEvent(e);
          if (e.type === 'batch.paused') {
            duringPause = { paused: e.nextTargets, currents: targets.map((t) => readHost(t.deployPath).current) };
            resolve();
          }
        },
      });
    });
    await pausedSeen;
    // Still paused after a while: nothing moves without a human.
    await new Promise((r) => setTimeout(r, 500));
    expect(rec.of('batch.started')).toHaveLength(1);
    const rival = await startRelease(plan('m2'), { transport }).done;
    duringPause!.rival = rival;
    handle!.continue();
    const result = await handle!.done;

    expect(duringPause?.paused).toEqual(['host2', 'host3']);
    expect(duringPause?.currents).toEqual(['m1', 't1', 't1']);
    expect(rival.status).toBe('failed');
    // host1 finished its batch (and gave its lock back); the paused hosts are still locked by m1.
    expect((rival.targets.host2?.error as { message: string }).message).toContain('release m1');
    expect(rival.targets.host1).toMatchObject({ state: 'skipped', switched: false });
    expect(result.status).toBe('succeeded');
    for (const t of targets) expect(readHost(t.deployPath).current).toBe('m1');
    expect(rec.of('batch.started').map((b) => b.targets)).toEqual([['host1'], ['host2', 'host3']]);
  });

  it('a long manual pause keeps the waiting targets locked past the lock TTL', async () => {
    let handle: ReturnType<typeof startRelease> | undefined;
    const paused = new Promise<void>((resolve) => {
      handle = startRelease(plan('fresh1', { lockTtlMs: 1500, rollout: { kind: 'batches', sizes: [1, '100%'], between: { mode: 'manual' } } }), {
        transport,
        onEvent: (e) => {
          if (e.type === 'batch.paused') resolve();
        },
      });
    });
    await paused;
    // Twice the TTL: without refreshing, the waiting hosts' locks would have expired and been taken over.
    await new Promise((r) => setTimeout(r, 3000));
    const lock = readHost(targets[1]!.deployPath).lock;
    expect(lock).toMatchObject({ releaseId: 'fresh1' });
    expect(Date.parse(String(lock?.expiresAt))).toBeGreaterThan(Date.now());
    const rival = await startRelease(plan('fresh2', { targets: targets.slice(1) }), { transport }).done;
    expect(rival.status).toBe('failed');
    expect(rival.targets.host2?.error).toMatchObject({ code: 'locked' });
    handle!.continue();
    const result = await handle!.done;
    expect(result.status).toBe('succeeded');
    for (const t of targets) {
      expect(readHost(t.deployPath).current).toBe('fresh1');
      expect(readHost(t.deployPath).lock).toBeNull();
    }
  });

  it('a live-looking lock whose owner the caller says has ended is taken over and reported', async () => {
    writeLock(targets[1]!, { releaseId: 'killed-run', instance: 'dead-worker', createdAt: new Date().toISOString(), expiresAt: new Date(Date.now() + 600_000).toISOString() });
    const rec = recorder();
    const result = await startRelease(plan('s1', { staleLockOwners: ['killed-run'] }), { transport, onEvent: rec.onEvent }).done;
    expect(result.status, JSON.stringify(result)).toBe('succeeded');
    expect(rec.of('lock.takenOver')).toEqual([expect.objectContaining({ target: 'host2', previousOwner: expect.objectContaining({ releaseId: 'killed-run' }) })]);
    for (const t of targets) expect(readHost(t.deployPath)).toMatchObject({ current: 's1', lock: null });
  });
});
