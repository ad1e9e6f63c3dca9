import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServiceConfig } from '@rp/contract/supervision';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { parseServiceStatus, serviceCommands } from './commands.js';

const work = mkdtempSync(join(tmpdir(), 'rp-service-commands-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const project = { id: 'p-1', name: 'shop', restartCommand: '' };

let bin: string;
let deployPath: string;
beforeEach(() => {
  const dir = mkdtempSync(join(work, 'case-'));
  bin = join(dir, 'bin');
  deployPath = join(dir, 'deploy');
  mkdirSync(bin);
  mkdirSync(join(deployPath, 'releases/r1'), { recursive: true });
  symlinkSync('releases/r1', join(deployPath, 'current'));
});

/** A stand-in for a manager's command line tool: a shell script on PATH ahead of the real ones. */
const fake = (name: string, body: string) => writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
const run = (script: string) => {
  const out = spawnSync('/bin/sh', ['-c', script], { encoding: 'utf8', env: { ...process.env, PATH: `${bin}:${process.env.PATH}` }, cwd: work });
  return { status: out.status, stdout: out.stdout, stderr: out.stderr };
};
const commands = (config: ServiceConfig, sudo = false) => serviceCommands(config, { project, deployPath, sudo });

describe('the status line', () => {
  it.each([
    ['STATE RUNNING pid 123', { state: 'RUNNING', pid: 123, detail: '' }],
    ['STATE RUNNING scheduled', { state: 'RUNNING', pid: null, detail: 'scheduled' }],
    ['STATE STOPPED FATAL', { state: 'STOPPED', pid: null, detail: 'FATAL' }],
    ['noise before\nSTATE UNKNOWN unix:///run/supervisor.sock no such file\n', { state: 'UNKNOWN', pid: null, detail: 'unix:///run/supervisor.sock no such file' }],
    ['STATE STOPPED inactive\nSTATE RUNNING pid 7\n', { state: 'RUNNING', pid: 7, detail: '' }],
  ])('parses %j', (output, status) => expect(parseServiceStatus(output)).toEqual(status));

  it.each(['', 'RUNNING pid 1', 'STATE SLEEPING', 'state running'])('finds none in %j', (output) => expect(parseServiceStatus(output)).toBeNull());
});

describe('manager none', () => {
  it('starts through the project restart command in current/, with the variables a release passes', () => {
    const c = serviceCommands({ manager: 'none' }, { project: { ...project, restartCommand: 'echo "$PROJECT $RELEASE_ID $DEPLOY_PATH $(pwd -P)" > "$DEPLOY_PATH/started"' }, deployPath, sudo: false });
    expect(run(c.restart).status).toBe(0);
    expect(readFileSync(join(deployPath, 'started'), 'utf8')).toBe(`p-1 r1 ${deployPath} ${join(deployPath, 'releases/r1')}\n`);
    expect(c.start).toBe(c.restart);
    expect(c.files).toEqual([]);
  });

  it('cannot stop, answers UNKNOWN for status and installs nothing', () => {
    const c = commands({ manager: 'none' });
    expect(run(c.stop)).toMatchObject({ status: 2, stderr: expect.stringMatching(/cannot stop/) });
    const status = run(c.status);
    expect(status.status).toBe(0);
    expect(parseServiceStatus(status.stdout)).toEqual({ state: 'UNKNOWN', pid: null, detail: 'no service manager' });
    expect(run(c.install).status).toBe(0);
    expect(run(c.start).status).toBe(2);
  });
});

describe('systemd', () => {
  const config: ServiceConfig = { manager: 'systemd', command: 'exec ./app' };

  it('installs the unit once, reloads systemd only for a changed file, and runs systemctl through sudo only with sudo', () => {
    const unitDir = join(deployPath, 'units');
    const c = commands({ ...config, systemd: { unitDir } });
    fake('systemctl', `echo "systemctl $*" >> ${JSON.stringify(join(deployPath, 'calls'))}`);
    expect(run(c.install).status).toBe(0);
    const unit = join(unitDir, 'rp-shop.service');
    expect(readFileSync(unit, 'utf8')).toBe(c.files[0]?.content);
    const before = statSync(unit);
    expect(run(c.install).status).toBe(0);
    const after = statSync(unit);
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
    const calls = readFileSync(join(deployPath, 'calls'), 'utf8').split('\n').filter((l) => !l.startsWith('systemctl show'));
    expect(calls).toEqual(['systemctl daemon-reload', 'systemctl enable --quiet rp-shop.service', 'systemctl enable --quiet rp-shop.service', '']);
    expect(existsSync(join(deployPath, 'shared/logs'))).toBe(true);
    expect(c.install).not.toContain('sudo');
    const withSudo = commands({ ...config, systemd: { unitDir } }, true);
    expect(withSudo.restart).toBe("sudo -n systemctl restart 'rp-shop.service'\n");
    expect(withSudo.install).toContain('sudo -n systemctl daemon-reload');
    expect(withSudo.install).toContain(`sudo -n mv -f '${unit}.rp-new' '${unit}'`);
  });

  it.each([
    ['LoadState=loaded\nActiveState=active\nMainPID=4242', 0, 'STATE RUNNING pid 4242'],
    ['LoadState=loaded\nActiveState=failed\nMainPID=0', 0, 'STATE STOPPED failed'],
    ['LoadState=not-found\nActiveState=inactive\nMainPID=0', 0, 'STATE STOPPED not-installed'],
  ])('reads status from systemctl show (%#)', (shown, status, line) => {
    fake('systemctl', `printf '%s\\n' '${shown}'`);
    const out = run(commands(config).status);
    expect(out.status).toBe(status);
    expect(out.stdout).toBe(`${line}\n`);
  });

  it('says UNKNOWN, and fails, when systemctl cannot answer', () => {
    fake('systemctl', 'echo "System has not been booted with systemd as init system (PID 1)." >&2; exit 1');
    const out = run(commands(config).status);
    expect(out).toMatchObject({ status: 1, stdout: 'STATE UNKNOWN System has not been booted with systemd as init system (PID 1).\n' });
  });
});

describe('supervisor', () => {
  const config: ServiceConfig = { manager: 'supervisor', command: 'exec ./app', supervisor: { configPath: '/etc/sv/sv.conf' } };
  it.each([
    ['rp-shop                          RUNNING   pid 1234, uptime 0:00:05', 3, 'STATE RUNNING pid 1234'],
    ['rp-shop                          FATAL     Exited too quickly (process log may have details)', 3, 'STATE STOPPED FATAL'],
    ['rp-shop: ERROR (no such process)', 4, 'STATE STOPPED not-installed'],
    ['unix:///run/supervisor.sock no such file', 4, 'STATE UNKNOWN unix:///run/supervisor.sock no such file'],
  ])('reads %j', (answer, exit, line) => {
    fake('supervisorctl', `[ "$1 $2 $3 $4" = '-c /etc/sv/sv.conf status rp-shop' ] || exit 99; echo '${answer}'; exit ${exit}`);
    expect(run(commands(config).status).stdout).toBe(`${line}\n`);
  });
});

describe('pm2', () => {
  it('reads the pid pm2 reports', () => {
    fake('pm2', '[ "$1 $2" = "pid rp-shop" ] || exit 99; echo 77');
    expect(run(commands({ manager: 'pm2', command: 'x' }).status).stdout).toBe('STATE RUNNING pid 77\n');
    fake('pm2', 'echo 0');
    expect(run(commands({ manager: 'pm2', command: 'x' }).status).stdout).toBe('STATE STOPPED stopped\n');
  });

  it('refuses another user without sudo', () => {
    expect(run(commands({ manager: 'pm2', command: 'x', user: 'app' }).restart)).toMatchObject({ status: 2, stderr: expect.stringMatching(/needs sudo/) });
  });
});

describe('cron', () => {
  const crontab = () => join(deployPath, 'crontab');
  beforeEach(() => {
    // Keeps the table in a file and counts every write.
    fake('crontab', `t=${JSON.stringify(crontab())}; if [ "$1" = -l ]; then [ -f "$t" ] || { echo 'no crontab for root' >&2; exit 1; }; cat "$t"; else cat > "$t"; echo x >> "$t.writes"; fi`);
  });
  const config: ServiceConfig = { manager: 'cron', name: 'report', command: './bin/report', schedule: '0 3 * * *' };

  it('merges its block into the crontab once, keeps other lines, replaces the block when it changes and removes it on stop', () => {
    writeFileSync(crontab(), 'MAILTO=ops\n15 * * * * other-job\n');
    expect(run(commands(config).install).status).toBe(0);
    const block = commands(config).files[0]?.content ?? '';
    expect(readFileSync(crontab(), 'utf8')).toBe(`MAILTO=ops\n15 * * * * other-job\n${block}`);
    expect(run(commands(config).install).status).toBe(0);
    expect(readFileSync(`${crontab()}.writes`, 'utf8')).toBe('x\n');
    expect(run(commands(config).status).stdout).toBe('STATE RUNNING scheduled\n');

    const changed = { ...config, schedule: '30 4 * * *' };
    expect(run(commands(changed).install).status).toBe(0);
    expect(readFileSync(crontab(), 'utf8')).toBe(`MAILTO=ops\n15 * * * * other-job\n${commands(changed).files[0]?.content}`);

    expect(run(commands(changed).stop).status).toBe(0);
    expect(readFileSync(crontab(), 'utf8')).toBe('MAILTO=ops\n15 * * * * other-job\n');
    expect(run(commands(changed).status).stdout).toBe('STATE STOPPED not-installed\n');
  });

  it('edits the login user\'s own crontab without sudo, another user\'s only through it', () => {
    expect(commands(config, true).install).not.toContain('sudo');
    expect(commands({ ...config, user: 'app' }, true).install).toContain("sudo -n crontab -u 'app' -l");
  });

  it('starts an empty crontab with the block alone', () => {
    expect(run(commands(config).status).stdout).toBe('STATE STOPPED not-installed\n');
    expect(run(commands(config).start).status).toBe(0);
    expect(readFileSync(crontab(), 'utf8')).toBe(commands(config).files[0]?.content);
  });
});
