import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createSshTransport, startRelease, type EngineEvent, type ReleasePlan, type Target } from '../src/index.js';
import { createSampleAppRepo, readHost, samplePlan, sampleTargets, startSshHosts, type SampleAppRepo, type SshHosts } from './harness/index.js';
import { tempDir } from './helpers.js';

let ssh: SshHosts;
let repo: SampleAppRepo;
let targets: Target[];
const workDir = tempDir('rp-work-');
const packageDir = fileURLToPath(new URL('..', import.meta.url));

beforeAll(async () => {
  ssh = await startSshHosts(4);
  repo = createSampleAppRepo();
  targets = await sampleTargets(ssh.hosts);
  const first = await startRelease(samplePlan({ releaseId: 'base', gitUrl: repo.url, commit: repo.commits[0]!, workDir, targets }), { transport: createSshTransport() }).done;
  if (first.status !== 'succeeded') throw new Error(`baseline release failed: ${JSON.stringify(first)}`);
});

afterAll(async () => {
  await ssh?.stopAll();
  repo?.remove();
});

/** Runs the plan in a child process and SIGKILLs it at the first event `killAt` accepts; resolves with the events. */
function runAndKill(plan: ReleasePlan, killAt: (e: EngineEvent) => boolean): Promise<{ events: EngineEvent[]; killed: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(packageDir, 'test/fixtures/run-release.ts')], { cwd: packageDir, stdio: ['pipe', 'pipe', 'inherit'] });
    const events: EngineEvent[] = [];
    let killed = false;
    createInterface({ input: child.stdout }).on('line', (line) => {
      const event = JSON.parse(line) as EngineEvent;
      events.push(event);
      if (!killed && killAt(event)) {
        killed = child.kill('SIGKILL');
      }
    });
    child.once('error', reject);
    child.once('exit', () => resolve({ events, killed }));
    child.stdin.end(JSON.stringify(plan));
  });
}

function assertEveryTargetWhole(): (string | null)[] {
  return targets.map((t) => {
    const host = readHost(t.deployPath);
    // `current` must resolve to a complete release: never missing, never a `.partial` directory, never dangling.
    expect(host.current === 'base' || host.current === 'crash1' || host.current === 'crash2').toBe(true);
    expect(host.currentIsWhole).toBe(true);
    for (const dir of host.releases.filter((r) => !r.endsWith('.partial'))) {
      expect(existsSync(join(t.deployPath, 'releases', dir, 'server.js'))).toBe(true);
      expect(readdirSync(join(t.deployPath, 'releases', dir))).toEqual(expect.arrayContaining(['VERSION', 'bin', 'server.js']));
    }
    return host.current;
  });
}

describe('a platform process killed with SIGKILL mid-release', () => {
  it('leaves every target on a whole release, whichever moment it dies', async () => {
    repo.addCommit();
    const plan = (releaseId: string) =>
      samplePlan({ releaseId, gitUrl: repo.url, commit: repo.commits.at(-1)!, workDir, targets }, { rollout: { kind: 'parallel', concurrency: 4 }, lockTtlMs: 1 });

    // First crash: as soon as any target starts its release stage (unpack + switch), others still uploading.
    const first = await runAndKill(plan('crash1'), (e) => e.type === 'stage.started' && e.stage === 'release');
    expect(first.killed).toBe(true);
    await new Promise((r) => setTimeout(r, 1500));
    assertEveryTargetWhole();

    // Second crash: right after the first switch finished, while the other targets are mid-way. The expired lock of
    // the crashed run (lockTtlMs 1 ms) is taken over.
    const second = await runAndKill(plan('crash2'), (e) => e.type === 'stage.finished' && e.stage === 'release');
    expect(second.killed).toBe(true);
    expect(second.events.some((e) => e.type === 'lock.takenOver')).toBe(true);
    await new Promise((r) => setTimeout(r, 1500));
    const currents = assertEveryTargetWhole();
    expect(currents).toContain('crash2');

    // A later run repairs everything: leftovers of crashed runs do not block it.
    const repaired = await startRelease(plan('crash3'), { transport: createSshTransport() }).done;
    expect(repaired.status, JSON.stringify(repaired.targets)).toBe('succeeded');
    for (const t of targets) {
      expect(readHost(t.deployPath).current).toBe('crash3');
      expect(readHost(t.deployPath).releases.some((r) => r.endsWith('.partial'))).toBe(false);
    }
  });

  it('takes its running remote hooks down with it', async () => {
    // A duration no other process uses, so the process list shows exactly the hook's own sleep.
    const marker = `sleep ${300 + Math.floor(Math.random() * 1000)}.5`;
    const isHookSleep = () => execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).split('\n').some((line) => line.trim() === marker);
    const plan = samplePlan(
      { releaseId: 'crash-hook', gitUrl: repo.url, commit: repo.commits.at(-1)!, workDir, targets: targets.slice(0, 1) },
      { hooks: { 'before-release': `echo hook-started\n${marker}\necho hook-survived > "$DEPLOY_PATH/survived"` }, lockTtlMs: 1 },
    );
    let runningAtKill = false;
    const run = await runAndKill(plan, (e) => {
      if (e.type !== 'log' || e.text !== 'hook-started') return false;
      const deadline = Date.now() + 5000;
      while (!runningAtKill && Date.now() < deadline) runningAtKill = isHookSleep();
      return true;
    });
    expect(run.killed).toBe(true);
    expect(runningAtKill).toBe(true);
    await vi.waitFor(() => expect(isHookSleep()).toBe(false), { timeout: 10_000, interval: 200 });
    expect(existsSync(join(targets[0]!.deployPath, 'survived'))).toBe(false);
  });
});
