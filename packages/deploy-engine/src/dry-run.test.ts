import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { dryRun } from './dry-run.js';
import type { ReleasePlan } from './types.js';

const plan = (overrides: Partial<ReleasePlan> = {}): ReleasePlan => ({
  releaseId: 'r1',
  project: 'shop',
  workDir: '/nonexistent/work',
  source: { gitUrl: 'https://git.example.com/shop.git', commit: 'a'.repeat(40) },
  build: { command: 'npm ci && npm run build', artifactPaths: ['dist'] },
  targets: [
    { id: 'web1', server: { host: 'web1', username: 'deploy', privateKey: 'k' }, deployPath: '/srv/shop_prod', env: { PORT: '8080' } },
    { id: 'web2', server: { host: 'web2', username: 'deploy', privateKey: 'k' }, deployPath: '/srv/shop' },
  ],
  rollout: { kind: 'parallel' },
  restartCommand: 'systemctl restart shop',
  healthcheck: { url: 'http://127.0.0.1:{{PORT}}/health' },
  hooks: { 'before-release': 'echo "$(date)"' },
  sharedDirs: ['storage/logs'],
  ...overrides,
});

describe('dryRun', () => {
  it('lists every command per target in execution order, without connecting', () => {
    const result = dryRun(plan());
    if (!result.ok) throw new Error(result.problems.join());
    const stages = result.targets.web1?.map((c) => c.stage);
    expect(stages).toEqual(['prepare', 'upload', 'hook:before-release', 'hook:before-release', 'release', 'release', 'healthcheck', 'cleanup']);
    expect(result.artifactSha256).toBe('ARTIFACT_SHA256');
    const commands = result.targets.web1?.map((c) => c.command) ?? [];
    expect(commands.find((c) => c.includes('current.tmp'))).toContain(`ln -sfn 'releases/r1' '/srv/shop_prod/current.tmp' && mv -T '/srv/shop_prod/current.tmp' '/srv/shop_prod/current'`);
    expect(commands.find((c) => c.includes('curl'))).toContain(`'http://127.0.0.1:8080/health'`);
    expect(result.global.map((c) => c.stage)).toEqual(['checkout', 'checkout', 'build', 'package', 'package']);
  });

  it('never puts script text on a command line: hooks and restart travel on stdin', () => {
    const result = dryRun(plan());
    if (!result.ok) throw new Error(result.problems.join());
    const all = Object.values(result.targets).flat();
    expect(all.some((c) => c.command.includes('systemctl') || c.command.includes('$(date)'))).toBe(false);
    expect(all.filter((c) => c.stdin?.endsWith('script')).map((c) => c.stdin)).toEqual([
      'before-release script',
      'restart script',
      'before-release script',
      'restart script',
    ]);
  });

  it('takes each target out of rotation around its switch: offline, drain, switch and restart, health check, online', () => {
    const result = dryRun(plan({ traffic: { offline: 'lb-out "$HOSTNAME"', online: 'lb-in "$HOSTNAME"', drainSeconds: 30 } }));
    if (!result.ok) throw new Error(result.problems.join());
    const steps = result.targets.web1?.map((c) => `${c.stage}: ${c.stdin ?? (c.command.startsWith('#') ? c.command : 'command')}`);
    expect(steps).toEqual([
      'prepare: command',
      'upload: artifact .tar.gz',
      'hook:before-release: before-release script',
      'hook:before-release: command',
      'offline: offline script',
      'offline: command',
      'offline: # drain: wait 30 s before the switch',
      'release: command',
      'release: restart script',
      'healthcheck: command',
      'online: online script',
      'cleanup: command',
    ]);
    const all = Object.values(result.targets).flat();
    expect(all.some((c) => c.command.includes('lb-out') || c.command.includes('lb-in'))).toBe(false);
    expect(all.find((c) => c.stage === 'online')?.command).toContain(`cd '/srv/shop_prod' && PORT='8080'`);
  });

  it('produces commands a POSIX shell parses', () => {
    const result = dryRun(plan({ traffic: { offline: 'lb-out', online: 'lb-in', drainSeconds: 5 } }));
    if (!result.ok) throw new Error(result.problems.join());
    for (const c of Object.values(result.targets).flat()) {
      // `sh -n` parses without executing; a quoting mistake shows up as a syntax error.
      expect(() => execFileSync('sh', ['-n', '-c', c.command])).not.toThrow();
    }
  });

  it('shows a build on an agent as its four commands there, the build command quoted as data', () => {
    const agent = { host: 'builder', username: 'build', privateKey: 'k' };
    const result = dryRun(plan({ build: { command: 'npm ci && npm run build', artifactPaths: ['dist'], env: { NODE_ENV: 'production' }, agent } }));
    if (!result.ok) throw new Error(result.problems.join());
    const build = result.global.filter((c) => c.stage === 'build');
    expect(build.map((c) => c.stdin ?? '')).toEqual(['checkout (tar)', '', '', '']);
    expect(build[1]?.command).toContain(`env -i PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 HOME="$home" NODE_ENV='production' RELEASE_ID='r1'`);
    expect(build[1]?.command).toContain(`sh -c 'npm ci && npm run build'`);
    expect(build[2]?.command).toContain(`tar -cf - -C '.rp-build/shop/builds/r1' -- 'dist'`);
    for (const c of build) expect(() => execFileSync('sh', ['-n', '-c', c.command])).not.toThrow();
  });

  it('returns the problems of an invalid plan instead of commands', () => {
    const result = dryRun(plan({ releaseId: 'r1;id', targets: [{ id: 'x', server: { host: 'h', username: 'u', privateKey: 'k' }, deployPath: 'relative' }] }));
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problems.join('\n')).toMatch(/releaseId/);
      expect(result.problems.join('\n')).toMatch(/deploy path "relative" must be absolute/);
    }
  });
});
