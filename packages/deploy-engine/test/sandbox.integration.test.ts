import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSshTransport, startRelease, type ReleasePlan, type ReleaseResult, type SandboxSettings, type Target } from '../src/index.js';
import { createSampleAppRepo, samplePlan, sampleTargets, startSshHosts, type SampleAppRepo, type SshHosts } from './harness/index.js';
import { recorder, tempDir } from './helpers.js';

// The platform's layout, in miniature: a data dir holding the master key, the work dir inside it with another project.
const dataDir = tempDir('rp-data-');
const workDir = join(dataDir, 'work');
const KEY_MARKER = `master-key-${process.pid}-do-not-leak`;
const OTHER_MARKER = `other-project-${process.pid}-do-not-leak`;
const ENV_MARKER = `api-env-${process.pid}-do-not-leak`;
const platformRepo = fileURLToPath(new URL('../../../', import.meta.url));
const isRoot = process.getuid?.() === 0;
const transport = createSshTransport();

let ssh: SshHosts;
let repo: SampleAppRepo;
let targets: Target[];
let seq = 0;

beforeAll(async () => {
  writeFileSync(join(dataDir, 'secret.key'), `${KEY_MARKER}\n`, { mode: 0o600 });
  mkdirSync(join(workDir, 'other-project', 'checkouts', 'r1'), { recursive: true });
  writeFileSync(join(workDir, 'other-project', 'checkouts', 'r1', 'id_ed25519'), OTHER_MARKER);
  // Stands for SECRET_KEY / ADMIN_PASSWORD / DATABASE_URL in the API's own environment.
  process.env.RP_TEST_SECRET = ENV_MARKER;
  ssh = await startSshHosts(1);
  repo = createSampleAppRepo();
  targets = await sampleTargets(ssh.hosts);
});

afterAll(async () => {
  delete process.env.RP_TEST_SECRET;
  await ssh?.stopAll();
  repo?.remove();
});

/** A release of the sample app whose build (or hook) is the probe; every call builds afresh (new config hash). */
function probePlan(build: string, overrides: Partial<ReleasePlan> = {}): ReleasePlan {
  seq += 1;
  return samplePlan(
    { releaseId: `sb${seq}`, gitUrl: repo.url, commit: repo.commits[0]!, workDir, targets },
    { project: 'sandbox-probe', build: { command: `: run ${seq}\n${build}` }, ...overrides },
  );
}

async function run(plan: ReleasePlan, options: { signal?: AbortSignal; onLog?: (text: string) => void } = {}) {
  const rec = recorder();
  const onEvent = (e: Parameters<typeof rec.onEvent>[0]) => {
    rec.onEvent(e);
    if (e.type === 'log') options.onLog?.(e.text);
  };
  const result: ReleaseResult = await startRelease(plan, { transport, onEvent, ...(options.signal ? { signal: options.signal } : {}) }).done;
  const log = (stage: string) =>
    rec
      .of('log')
      .filter((e) => e.stage === stage)
      .map((e) => e.text)
      .join('\n');
  return { result, rec, log };
}

/** The text a probe printed between `== name` and the next marker. */
function section(log: string, name: string): string {
  const start = log.indexOf(`== ${name}\n`);
  if (start < 0) throw new Error(`no section ${name} in:\n${log}`);
  const rest = log.slice(start + name.length + 4);
  const end = rest.indexOf('\n== ');
  return end < 0 ? rest : rest.slice(0, end);
}

const PROBES = [
  ['key', `cat "${dataDir}/secret.key"`],
  ['data', `ls -a "${dataDir}"`],
  ['proc1', 'cat /proc/1/environ'],
  ['env', 'env'],
  ['repo', `cat "${platformRepo}package.json"`],
  ['other', `cat "${workDir}/other-project/checkouts/r1/id_ed25519"`],
  ['mirror', `ls "${workDir}/sandbox-probe/mirror.git"`],
  ['root', 'ls -a /root'],
  ['id', 'id -u'],
];
const probeScript = PROBES.map(([name, cmd]) => `echo "== ${name}"; ${cmd} 2>&1`).join('\n');

describe('a build in the sandbox sees nothing of the platform', () => {
  let log = '';
  let result: ReleaseResult;

  beforeAll(async () => {
    const out = await run(probePlan(`${probeScript}\necho "== end"; exit 3`));
    result = out.result;
    log = out.log('build');
  });

  it('the build ran (and failed on purpose at its end)', () => {
    expect(result.error).toMatchObject({ kind: 'exec', exitCode: 3, command: 'build command' });
    expect(log).toContain('== end');
  });

  it('DATA_DIR/secret.key: no such file', () => {
    expect(section(log, 'key')).toMatch(/No such file/);
    expect(log).not.toContain(KEY_MARKER);
  });

  it('DATA_DIR itself: no such directory', () => {
    expect(section(log, 'data')).toMatch(/No such file/);
  });

  it("/proc/1/environ: not the API's environment", () => {
    expect(section(log, 'proc1')).not.toContain('RP_TEST_SECRET');
    expect(log).not.toContain(ENV_MARKER);
    if (isRoot) expect(section(log, 'proc1')).toMatch(/Permission denied/);
  });

  it('env: only the variables a build is given', () => {
    const names = section(log, 'env')
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => l.slice(0, l.indexOf('=')));
    expect(names.length).toBeGreaterThan(3);
    for (const name of names) expect(['PATH', 'HOME', 'LANG', 'COMMIT', 'RELEASE_ID', 'PWD', 'OLDPWD', 'SHLVL', '_']).toContain(name);
    expect(section(log, 'env')).toContain('HOME=/home/build');
  });

  it("the platform's repository: no such file", () => {
    expect(section(log, 'repo')).toMatch(/No such file/);
    expect(log).not.toContain('"name"');
  });

  it("another project's workspace: no such file", () => {
    expect(section(log, 'other')).toMatch(/No such file/);
    expect(log).not.toContain(OTHER_MARKER);
  });

  it("the project's own mirror: no such file", () => {
    expect(section(log, 'mirror')).toMatch(/No such file/);
  });

  it('/root: no such directory', () => {
    expect(section(log, 'root')).toMatch(/No such file/);
  });

  it.runIf(isRoot)('runs as uid 65534, not as root', () => {
    expect(section(log, 'id').trim()).toBe('65534');
  });
});

describe('what a build may do', () => {
  it('declared variables reach the build', async () => {
    const plan = probePlan('');
    plan.build = { command: 'echo "declared=$DECLARED"; test -z "$RP_TEST_SECRET"', env: { DECLARED: 'yes' } };
    const { result, log } = await run(plan);
    expect(result.status, JSON.stringify(result.error)).toBe('succeeded');
    expect(log('build')).toContain('declared=yes');
  });

  it('writes its checkout and its cache; the next build of the project sees the cache', async () => {
    const first = await run(probePlan('echo built > BUILT && echo "from the first build" > "$HOME/cached" && cat BUILT'));
    expect(first.result.status, JSON.stringify(first.result.error)).toBe('succeeded');
    expect(first.log('build')).toContain('built');
    const cached = join(workDir, 'sandbox-probe', 'cache', 'cached');
    if (isRoot) expect(statSync(cached).uid).toBe(65534);
    const second = await run(probePlan('cat "$HOME/cached"'));
    expect(second.result.status).toBe('succeeded');
    expect(second.log('build')).toContain('from the first build');
  });

  it('the after-checkout hook is sandboxed the same way', async () => {
    const plan = probePlan('test -f HOOKED', { hooks: { 'after-checkout': `${probeScript}\ntouch HOOKED` } });
    const { result, log } = await run(plan);
    expect(result.status, JSON.stringify(result.error)).toBe('succeeded');
    const hook = log('hook:after-checkout');
    expect(section(hook, 'key')).toMatch(/No such file/);
    expect(section(hook, 'other')).toMatch(/No such file/);
    expect(section(hook, 'repo')).toMatch(/No such file/);
    expect(hook).not.toContain(KEY_MARKER);
    expect(hook).not.toContain(ENV_MARKER);
    if (isRoot) expect(section(hook, 'id').trim()).toBe('65534');
  });
});

describe('network and limits', () => {
  let server: Server;
  let port = 0;

  beforeAll(async () => {
    server = createServer((socket) => socket.on('error', () => undefined).end('hello\n'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => server.close());

  const connect = () =>
    `node -e "require('net').connect(${port}, '127.0.0.1').on('connect', () => { console.log('CONNECTED'); process.exit(0) }).on('error', (e) => { console.log('REFUSED ' + e.code); process.exit(0) })"`;
  const sandbox = (s: Partial<Extract<SandboxSettings, { mode: 'bwrap' }>>): SandboxSettings => ({ mode: 'bwrap', ...s });

  it('network on (the default) reaches a local TCP server', async () => {
    const { log } = await run(probePlan(connect()));
    expect(log('build')).toContain('CONNECTED');
  });

  it('network off cannot connect to it', async () => {
    const { log } = await run(probePlan(connect(), { sandbox: sandbox({ network: false }) }));
    expect(log('build')).toContain('REFUSED');
    expect(log('build')).not.toContain('CONNECTED');
  });

  it('a CPU-time limit kills a runaway build', async () => {
    const started = Date.now();
    const { result } = await run(probePlan('while :; do :; done', { sandbox: sandbox({ cpuSeconds: 1 }) }));
    expect(result.status).toBe('failed');
    expect(result.error).toMatchObject({ kind: 'exec', command: 'build command' });
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('a memory limit stops a build that allocates too much', async () => {
    const hog = `python3 -c "x = bytearray(600 * 1024 * 1024); print('ALLOCATED')"`;
    const limited = await run(probePlan(hog, { sandbox: sandbox({ memoryMb: 256 }) }));
    expect(limited.result.status).toBe('failed');
    expect(limited.log('build')).toMatch(/MemoryError/);
    const unlimited = await run(probePlan(hog));
    expect(unlimited.log('build')).toContain('ALLOCATED');
  });

  it('the wall-clock timeout kills a build that hangs', async () => {
    const { result } = await run(probePlan('sleep 120', { sandbox: sandbox({ timeoutSeconds: 2 }) }));
    expect(result.error).toMatchObject({ kind: 'exec', reason: 'timeout' });
  });
});

/** pgrep without a shell, so the pattern is not found in our own command line. */
function processesMatching(pattern: string): string[] {
  try {
    return execFileSync('pgrep', ['-f', pattern], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

describe('abort', () => {
  it("kills the sandboxed build's children", async () => {
    const controller = new AbortController();
    const marker = `${3000 + (process.pid % 1000)}.5`;
    const { result } = await run(probePlan(`sleep ${marker} & sleep ${marker} & echo STARTED; wait`), {
      signal: controller.signal,
      onLog: (text) => {
        if (text.includes('STARTED')) controller.abort();
      },
    });
    expect(result.error).toMatchObject({ kind: 'exec', reason: 'aborted' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(processesMatching(`sleep ${marker}`)).toEqual([]);
  });
});

describe('the package stage', () => {
  it('refuses an artifact path that a build turned into a link out of the checkout', async () => {
    const plan = probePlan(`mkdir -p out && ln -s "${dataDir}" out/data`);
    plan.build = { command: plan.build!.command!, artifactPaths: ['out/data/secret.key'] };
    const { result } = await run(plan);
    expect(result.status).toBe('failed');
    expect(JSON.stringify(result.error)).toMatch(/outside the checkout/);
    expect(readFileSync(join(dataDir, 'secret.key'), 'utf8')).toContain(KEY_MARKER);
  });
});
