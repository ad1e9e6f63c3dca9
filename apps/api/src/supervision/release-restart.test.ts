import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Target } from '@rp/deploy-engine';
import { afterAll, describe, expect, it } from 'vitest';
import { serviceRestart, SERVICE_VARIANT_VARIABLE } from './release-restart.js';

const work = mkdtempSync(join(tmpdir(), 'rp-release-restart-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const target = (id: string): Target => ({ id, deployPath: join(work, 'deploy'), env: { PORT: '8080' }, server: { host: 'h', port: 22, username: 'u', privateKey: '' } });
const project = (service: unknown) => ({ id: 'p-1', name: 'shop', restartCommand: 'sh bin/restart.sh', service });
const supervised = { manager: 'supervisor', command: 'exec ./app', supervisor: { programDir: join(work, 'conf.d') } };

/** Runs a restart script as the engine would, with stand-ins for sudo and supervisorctl that log their arguments. */
function runRestart(script: string, env: Record<string, string>) {
  const bin = join(work, 'bin');
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, 'supervisorctl'), `#!/bin/sh\necho "supervisorctl $*"\n`, { mode: 0o755 });
  writeFileSync(join(bin, 'sudo'), `#!/bin/sh\n[ "$1" = -n ] || exit 9\nshift\necho "sudo: $*"\n`, { mode: 0o755 });
  return spawnSync('/bin/sh', ['-c', script], { encoding: 'utf8', env: { ...process.env, ...env, PATH: `${bin}:${process.env.PATH}` } });
}

describe('the restart of a release', () => {
  it('is the project restart command without a manager', () => {
    const targets = [target('a')];
    expect(serviceRestart(project({}), targets, new Set())).toEqual({ restartCommand: 'sh bin/restart.sh', targets });
    expect(serviceRestart({ ...project({ manager: 'none', command: 'x' }), restartCommand: '' }, targets, new Set())).toEqual({ targets });
  });

  it('installs then restarts through the manager, the same script for alike hosts', () => {
    const targets = [target('a'), target('b')];
    const planned = serviceRestart(project(supervised), targets, new Set());
    expect(planned.targets).toBe(targets);
    const ran = runRestart(planned.restartCommand ?? '', {});
    expect(ran.status).toBe(0);
    expect(ran.stdout.split('\n').filter((l) => l.startsWith('supervisorctl'))).toEqual(['supervisorctl reread', "supervisorctl update rp-shop", 'supervisorctl restart rp-shop']);
  });

  it('stops before the restart when the install fails', () => {
    const planned = serviceRestart(project({ ...supervised, supervisor: { programDir: '/proc/none' } }), [target('a')], new Set());
    const ran = runRestart(planned.restartCommand ?? '', {});
    expect(ran.status).not.toBe(0);
    expect(ran.stdout).not.toContain('restart');
  });

  it('gives hosts with and without sudo their own branch, chosen by a variable on each target', () => {
    const planned = serviceRestart(project(supervised), [target('plain'), target('root')], new Set(['root']));
    const [plain, root] = planned.targets;
    expect(plain?.env).toEqual({ PORT: '8080', [SERVICE_VARIANT_VARIABLE]: '0' });
    expect(root?.env).toEqual({ PORT: '8080', [SERVICE_VARIANT_VARIABLE]: '1' });
    const asPlain = runRestart(planned.restartCommand ?? '', plain?.env ?? {});
    expect(asPlain.stdout).toContain('supervisorctl restart rp-shop');
    expect(asPlain.stdout).not.toContain('sudo');
    const asRoot = runRestart(planned.restartCommand ?? '', root?.env ?? {});
    expect(asRoot.stdout).toContain('sudo: supervisorctl restart rp-shop');
    expect(runRestart(planned.restartCommand ?? '', {}).status).toBe(1);
  });
});
