/**
 * Sandbox overhead: build a small npm project (`npm ci && npm run build`, a local `file:` dependency and a lockfile, so
 * no registry is needed) through real releases, alternately in the bwrap sandbox and with BUILD_SANDBOX=off, and print
 * the ratio of the build stage's durations (goal ≤ 1.1).
 *
 *   BENCH_ROUNDS=5 pnpm bench:sandbox
 *
 * Each round changes the build command by a comment, so no artifact is reused and every round checks out and builds.
 * Only the build stage is timed: handing the checkout to the build uid, starting bwrap, npm ci and the build.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSshTransport, startRelease, type ReleasePlan, type SandboxSettings, type Target } from '../src/index.js';
import { startSshHosts } from '../test/harness/index.js';

const rounds = Number(process.env.BENCH_ROUNDS ?? 5);

/** A project with one local dependency of 200 modules, and a build that bundles them into dist/. */
function createFixtureRepo(dir: string): string {
  const repo = join(dir, 'repo');
  const dep = join(repo, 'vendor', 'shapes');
  mkdirSync(join(dep, 'lib'), { recursive: true });
  const names = Array.from({ length: 200 }, (_, i) => `shape${i}`);
  for (const name of names) writeFileSync(join(dep, 'lib', `${name}.js`), `module.exports = (n) => Array.from({ length: n }, (_, i) => '${name}:' + i * i);\n`);
  writeFileSync(join(dep, 'index.js'), names.map((n) => `exports.${n} = require('./lib/${n}.js');`).join('\n') + '\n');
  writeFileSync(join(dep, 'package.json'), JSON.stringify({ name: 'shapes', version: '1.0.0', main: 'index.js' }, null, 2));
  writeFileSync(
    join(repo, 'build.js'),
    `const fs = require('node:fs');
const shapes = require('shapes');
fs.mkdirSync('dist', { recursive: true });
let out = '';
for (const [name, make] of Object.entries(shapes)) out += name + '=' + make(2000).join(',') + '\\n';
fs.writeFileSync('dist/bundle.txt', out);
console.log('built', Object.keys(shapes).length, 'modules,', out.length, 'bytes');
`,
  );
  writeFileSync(
    join(repo, 'package.json'),
    JSON.stringify({ name: 'bench-app', version: '1.0.0', private: true, scripts: { build: 'node build.js' }, dependencies: { shapes: 'file:vendor/shapes' } }, null, 2),
  );
  const quiet = { cwd: repo, stdio: 'ignore' as const, env: { ...process.env, npm_config_update_notifier: 'false' } };
  execFileSync('npm', ['install', '--package-lock-only', '--offline', '--no-audit', '--no-fund'], quiet);
  execFileSync('git', ['init', '-q', '-b', 'main'], quiet);
  execFileSync('git', ['add', '-A'], quiet);
  execFileSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@localhost', 'commit', '-q', '-m', 'fixture'], quiet);
  return repo;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'rp-bench-sandbox-'));
  const ssh = await startSshHosts(1);
  const transport = createSshTransport();
  try {
    const repo = createFixtureRepo(dir);
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repo, encoding: 'utf8' }).trim();
    const host = ssh.hosts[0]!;
    const target: Target = {
      id: 'host1',
      server: { host: host.host, port: host.port, username: host.username, privateKey: host.privateKey, hostKeyFingerprint: host.hostKeyFingerprint },
      deployPath: `${host.deployRoot}/app`,
    };
    const modes: Record<string, SandboxSettings> = { sandboxed: { mode: 'bwrap' }, unsandboxed: { mode: 'off' } };
    const times: Record<string, number[]> = { sandboxed: [], unsandboxed: [] };
    for (let round = 0; round <= rounds; round++) {
      // Alternate which side goes first, so neither always meets a warm page cache; round 0 is a discarded warm-up.
      const order = round % 2 === 0 ? ['sandboxed', 'unsandboxed'] : ['unsandboxed', 'sandboxed'];
      for (const side of order) {
        const plan: ReleasePlan = {
          releaseId: `${side}-${round}`,
          project: `bench-${side}`,
          workDir: join(dir, 'work'),
          source: { gitUrl: `file://${repo}`, commit },
          build: { command: `: round ${round}\nnpm ci --no-audit --no-fund --prefer-offline && npm run build`, env: { npm_config_update_notifier: 'false' }, artifactPaths: ['dist'] },
          sandbox: modes[side]!,
          targets: [target],
          rollout: { kind: 'serial' },
          keepReleases: 2,
        };
        let buildMs: number | undefined;
        const result = await startRelease(plan, {
          transport,
          onEvent: (e) => {
            if (e.type === 'stage.finished' && e.stage === 'build') buildMs = e.durationMs;
          },
        }).done;
        if (result.status !== 'succeeded' || buildMs === undefined) throw new Error(`${side} round ${round} failed: ${JSON.stringify(result.error)}`);
        if (round > 0) times[side]!.push(buildMs);
        process.stdout.write(`round ${round}${round === 0 ? ' (warm-up)' : ''} ${side}: build ${buildMs} ms\n`);
      }
    }
    const s = times.sandboxed!;
    const u = times.unsandboxed!;
    process.stdout.write(`\nnpm ci && npm run build, ${rounds} rounds each\n`);
    process.stdout.write(`  sandboxed   median ${median(s)} ms, mean ${mean(s).toFixed(0)} ms\n`);
    process.stdout.write(`  unsandboxed median ${median(u)} ms, mean ${mean(u).toFixed(0)} ms\n`);
    process.stdout.write(`  ratio sandboxed/unsandboxed: median ${(median(s) / median(u)).toFixed(3)}, mean ${(mean(s) / mean(u)).toFixed(3)} (goal ≤ 1.1)\n`);
  } finally {
    await ssh.stopAll();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
