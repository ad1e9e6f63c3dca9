import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSshTransport, startRelease, type ServerSpec, type Target } from '../src/index.js';
import { createSampleAppRepo, readHost, samplePlan, sampleTargets, startSshHosts, type SampleAppRepo, type SshHosts } from './harness/index.js';
import { recorder, tempDir } from './helpers.js';

let ssh: SshHosts;
let repo: SampleAppRepo;
let agent: ServerSpec;
let agentHome: string;
let targets: Target[];
const workDir = tempDir('rp-work-');
const transport = createSshTransport({ connectTimeoutMs: 5000 });

beforeAll(async () => {
  ssh = await startSshHosts(2);
  repo = createSampleAppRepo();
  const [agentHost, targetHost] = ssh.hosts;
  agent = { host: agentHost!.host, port: agentHost!.port, username: agentHost!.username, privateKey: agentHost!.privateKey, hostKeyFingerprint: agentHost!.hostKeyFingerprint };
  agentHome = join(agentHost!.dir, 'home');
  targets = await sampleTargets([targetHost!]);
});

afterAll(async () => {
  await ssh?.stopAll();
  repo?.remove();
});

const BUILD = [
  'printf "%s\\n" "$COMMIT" > REVISION',
  'pwd > BUILT_IN',
  'env | cut -d= -f1 | sort > BUILD_ENV',
  'ls "$HOME"',
  'touch "$HOME/cache-$RELEASE_ID"',
].join('; ');

const plan = (releaseId: string, command = BUILD) =>
  samplePlan({ releaseId, gitUrl: repo.url, commit: repo.commits.at(-1)!, workDir, targets }, { build: { command, env: { NODE_ENV: 'production' }, agent } });

const shipped = (releaseId: string, file: string) => readFileSync(join(targets[0]!.deployPath, 'releases', releaseId, file), 'utf8');

describe('a build on a build agent', () => {
  it('runs the build on the agent with only the given environment, ships its output, and cleans up after itself', async () => {
    const rec = recorder();
    const result = await startRelease(plan('a1'), { transport, onEvent: rec.onEvent }).done;
    expect(result.status, JSON.stringify(result.error ?? result.targets)).toBe('succeeded');
    expect(readHost(targets[0]!.deployPath).current).toBe('a1');

    expect(shipped('a1', 'REVISION').trim()).toBe(repo.commits.at(-1));
    expect(shipped('a1', 'BUILT_IN').trim()).toBe(join(agentHome, '.rp-build/sample-app/builds/a1'));
    const names = shipped('a1', 'BUILD_ENV').trim().split('\n');
    expect(names).toEqual(expect.arrayContaining(['COMMIT', 'HOME', 'NODE_ENV', 'PATH', 'RELEASE_ID']));
    // Nothing of the agent's SSH session (SSH_CONNECTION, USER, its own HOME setting) reaches the build.
    expect(names.filter((n) => !['COMMIT', 'HOME', 'LANG', 'NODE_ENV', 'OLDPWD', 'PATH', 'PWD', 'RELEASE_ID', 'SHLVL', '_'].includes(n))).toEqual([]);

    expect(existsSync(join(agentHome, '.rp-build/sample-app/builds/a1'))).toBe(false);
    expect(readdirSync(join(agentHome, '.rp-build/sample-app/home'))).toEqual(['cache-a1']);
    expect(rec.of('stage.finished').find((e) => e.stage === 'build')?.status).toBe('succeeded');
  });

  it('keeps the project home between builds, so dependency caches are reused', async () => {
    repo.addCommit();
    const rec = recorder();
    const result = await startRelease(plan('a2'), { transport, onEvent: rec.onEvent }).done;
    expect(result.status, JSON.stringify(result.error ?? result.targets)).toBe('succeeded');
    expect(rec.of('log').filter((l) => l.stage === 'build').map((l) => l.text)).toContain('cache-a1');
  });

  it('fails the release at the build stage when the build fails on the agent, deploying nothing', async () => {
    const rec = recorder();
    const result = await startRelease(plan('a3', 'echo compiling; echo "boom" >&2; exit 7'), { transport, onEvent: rec.onEvent }).done;
    expect(result.status).toBe('failed');
    expect(result.error).toMatchObject({ kind: 'exec', exitCode: 7 });
    expect(rec.of('log').filter((l) => l.stage === 'build').map((l) => l.text)).toEqual(expect.arrayContaining(['compiling', 'boom']));
    expect(readHost(targets[0]!.deployPath).current).toBe('a2');
    expect(existsSync(join(agentHome, '.rp-build/sample-app/builds/a3'))).toBe(false);
  });
});
