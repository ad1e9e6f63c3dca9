import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSshTransport, startRelease, type Artifact, type Target } from '../src/index.js';
import { createSampleAppRepo, readHost, samplePlan, sampleTargets, startSshHosts, type SampleAppRepo, type SshHosts } from './harness/index.js';
import { recorder, tempDir } from './helpers.js';

let ssh: SshHosts;
let repo: SampleAppRepo;
let targets: Target[];
let artifact: Artifact;
const workDir = tempDir('rp-work-');
const transport = createSshTransport();

/** The sample app plus 64 MB of random bytes, so an upload takes long enough to be interrupted. */
function bigArtifact(): Artifact {
  const dir = tempDir('rp-big-');
  const tree = join(dir, 'tree');
  mkdirSync(tree);
  cpSync(join(repo.dir, 'server.js'), join(tree, 'server.js'));
  cpSync(join(repo.dir, 'bin'), join(tree, 'bin'), { recursive: true });
  writeFileSync(join(tree, 'VERSION'), 'big\n');
  writeFileSync(join(tree, 'blob.bin'), randomBytes(64 * 1024 * 1024));
  const path = join(dir, 'big.tar.gz');
  execFileSync('sh', ['-c', 'tar -cf - -C "$1" . | gzip -1 > "$2"', 'sh', tree, path]);
  const sha256 = createHash('sha256').update(readFileSync(path)).digest('hex');
  return { path, sha256, size: statSync(path).size, commit: repo.commits[0]! };
}

/** pgrep without a shell, so the pattern is not found in our own command line. */
function processesMatching(pattern: string): string[] {
  try {
    return execFileSync('pgrep', ['-af', pattern], { encoding: 'utf8' }).trim().split('\n');
  } catch {
    return [];
  }
}

beforeAll(async () => {
  ssh = await startSshHosts(3);
  repo = createSampleAppRepo();
  targets = await sampleTargets(ssh.hosts);
  const first = await startRelease(samplePlan({ releaseId: 'base', gitUrl: repo.url, commit: repo.commits[0]!, workDir, targets }), { transport }).done;
  if (first.status !== 'succeeded') throw new Error(`baseline release failed: ${JSON.stringify(first)}`);
  artifact = bigArtifact();
});

afterAll(async () => {
  await ssh?.stopAll();
  repo?.remove();
});

describe('abort', () => {
  it('during upload: stops remote commands, switches nothing, and reports what each target runs', async () => {
    const controller = new AbortController();
    const rec = recorder();
    const plan = samplePlan({ releaseId: 'ab1', gitUrl: repo.url, commit: repo.commits[0]!, workDir, targets });
    let abortedAt = 0;
    const handle = startRelease(plan, {
      transport,
      signal: controller.signal,
      artifact,
      onEvent: (e) => {
        rec.onEvent(e);
        if (e.type === 'stage.started' && e.stage === 'upload' && !abortedAt) {
          setTimeout(() => {
            abortedAt = Date.now();
            controller.abort();
          }, 50);
        }
      },
    });
    const result = await handle.done;
    const abortLatency = Date.now() - abortedAt;

    expect(result.status).toBe('aborted');
    for (const t of targets) {
      const host = readHost(t.deployPath);
      expect(result.targets[t.id]?.current).toBe(host.current);
      expect(host.current).toBe('base');
      expect(host.currentIsWhole).toBe(true);
      expect(result.targets[t.id]).toMatchObject({ state: 'aborted', switched: false });
      expect(host.lock).toBeNull();
      // A partly received tree never appears as the release, nor as a staged tree with a checksum record.
      expect(existsSync(join(t.deployPath, 'releases', 'ab1'))).toBe(false);
      expect(existsSync(join(t.deployPath, '.platform', 'received', 'ab1.sha256'))).toBe(false);
    }
    expect(rec.of('stage.finished').filter((e) => e.stage === 'upload').map((e) => e.status)).toContain('aborted');
    expect(rec.of('stage.started').some((e) => e.stage === 'release')).toBe(false);
    expect(abortLatency).toBeLessThan(5000);
    // The receiving `tee` processes on the hosts were killed, not left to wait for more input.
    await new Promise((r) => setTimeout(r, 500));
    expect(processesMatching('upload-ab1.fifo')).toEqual([]);
  });

  it('while packing: hosts already receiving the package stop, and nothing switches', async () => {
    const controller = new AbortController();
    const rec = recorder();
    // 64 MiB of random bytes take gzip long enough to abort while hosts receive the first of them.
    const plan = samplePlan(
      { releaseId: 'ab-pack', gitUrl: repo.url, commit: repo.addCommit(), workDir, targets },
      { build: { command: 'head -c 67108864 /dev/urandom > blob.bin' } },
    );
    const before = targets.map((t) => readHost(t.deployPath).current);
    const result = await startRelease(plan, {
      transport,
      signal: controller.signal,
      onEvent: (e) => {
        rec.onEvent(e);
        if (e.type === 'stage.started' && e.stage === 'upload' && e.target === 'host1') setTimeout(() => controller.abort(), 100);
      },
    }).done;
    expect(result.status).toBe('aborted');
    // The abort came while packing ran, and uploads had started before it ended.
    expect(rec.of('stage.finished').find((e) => e.stage === 'package')?.status).toBe('aborted');
    for (const t of targets) {
      const host = readHost(t.deployPath);
      expect(host.current).toBe(before[targets.indexOf(t)]);
      expect(host.currentIsWhole).toBe(true);
      expect(host.lock).toBeNull();
      expect(existsSync(join(t.deployPath, 'releases', 'ab-pack'))).toBe(false);
      expect(existsSync(join(t.deployPath, 'releases', 'ab-pack.staged'))).toBe(false);
    }
    expect(rec.of('stage.started').some((e) => e.stage === 'release')).toBe(false);
    await new Promise((r) => setTimeout(r, 500));
    expect(processesMatching('upload-ab-pack.fifo')).toEqual([]);
  });

  it('an aborted run can be retried and then completes normally', async () => {
    const result = await startRelease(samplePlan({ releaseId: 'ab1', gitUrl: repo.url, commit: repo.commits[0]!, workDir, targets }), { transport, artifact }).done;
    expect(result.status, JSON.stringify(result.targets)).toBe('succeeded');
    for (const t of targets) expect(readHost(t.deployPath).current).toBe('ab1');
  });

  it('while paused between manual batches: the paused targets stay untouched', async () => {
    const controller = new AbortController();
    const plan = samplePlan(
      { releaseId: 'ab2', gitUrl: repo.url, commit: repo.commits[0]!, workDir, targets },
      { rollout: { kind: 'batches', sizes: [1, '100%'], between: { mode: 'manual' } } },
    );
    const result = await startRelease(plan, {
      transport,
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === 'batch.paused') controller.abort();
      },
    }).done;
    expect(result.status).toBe('aborted');
    expect(result.targets.host1).toMatchObject({ state: 'succeeded', current: 'ab2' });
    expect(result.targets.host2).toMatchObject({ state: 'skipped', current: 'ab1' });
    expect(result.targets.host3).toMatchObject({ state: 'skipped', current: 'ab1' });
    expect(targets.map((t) => readHost(t.deployPath).current)).toEqual(['ab2', 'ab1', 'ab1']);
  });
});
