import { spawnSync } from 'node:child_process';
import { appendFileSync, readFileSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { startSupervisor, type HostSupervisor } from '@rp/deploy-engine/testing';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE_UNAUTHORIZED, type ServiceLogMessage } from '@rp/contract/feed';
import { SECRET_MASK } from '@rp/contract/rules';
import { parseServiceStatus } from '../src/supervision/commands.js';
import { bearerProtocols, until } from './helpers/live-viewer.js';
import { releaseFixture, waitForState, type ReleaseFixture } from './helpers/release-fixture.js';
import { buildTestApp, type TestApp } from './helpers/test-app.js';

const PROGRAM = 'rp-sample-app';

/** Tail processes following this program's log on the hosts (they run on this machine). */
const remoteTails = () =>
  (spawnSync('pgrep', ['-f', `^tail -n 7 -F .*${PROGRAM}\\.log`], { encoding: 'utf8' }).stdout ?? '').split('\n').filter(Boolean);

/** A log follower: the stdout lines it was sent, every raw message, and how the socket closed. */
function follow(url: string, token: string) {
  const messages: string[] = [];
  let reason = '';
  const socket = new WebSocket(url, bearerProtocols(token));
  socket.on('message', (raw) => messages.push(raw.toString()));
  const opened = new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  const closed = new Promise<number>((resolve) =>
    socket.once('close', (code, why) => {
      reason = why.toString();
      resolve(code);
    }),
  );
  const stdout = () =>
    messages.map((m) => JSON.parse(m) as ServiceLogMessage).flatMap((m) => (m.type === 'lines' && m.stream === 'stdout' ? m.text : []));
  return { opened, closed, stdout, raw: () => messages.join('\n'), reason: () => reason };
}
/** Kept in the service's environment and printed by its command: it must reach the process as written. */
const NOTE = `a,B=evil "q" 100%(ENV_HOME)s $HOME`;

describe('a supervised service, installed by releases and driven per host, against real sshd and supervisord', () => {
  let t: TestApp;
  let f: ReleaseFixture;
  let supervisors: HostSupervisor[];
  let deployPath: string;

  beforeAll(async () => {
    // Live sockets are checked every second, so a log follow closes within moments of its viewer losing access.
    t = await buildTestApp({ WORKER_ENABLED: 'true', WORKER_HEARTBEAT_SECONDS: '1', WS_RECHECK_SECONDS: '1' });
    f = await releaseFixture(t, { hosts: 2, requireApproval: false });
    supervisors = await Promise.all(f.hosts.hosts.map((h) => startSupervisor(h)));
    deployPath = `${f.hosts.hosts[0]?.deployMount}/app`;
  });
  afterAll(async () => {
    await Promise.all((supervisors ?? []).map((s) => s.stop()));
    await t?.close();
    await f?.cleanup();
  });

  const call = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object, token = f.developer.token) =>
    t.call(token, { method, url, ...(payload ? { payload } : {}) });
  const service = () => ({
    manager: 'supervisor',
    // The sample app stays up only while its pid file names it.
    command: `echo "up at 100% on $(cat '${deployPath}/shared/port')" ; echo "$NOTE" ; echo $$ > "$PID_FILE" && PORT=$(cat '${deployPath}/shared/port') exec node server.js`,
    environment: { PID_FILE: `${deployPath}/shared/app.pid`, NOTE },
    stopTimeoutSeconds: 5,
    supervisor: { programDir: supervisors[0]?.programDir, configPath: supervisors[0]?.configPath },
  });
  const release = async () => {
    const created = await call('POST', '/api/releases', { environmentId: f.environmentId, ref: 'main' });
    expect(created.statusCode, created.body).toBe(201);
    const done = await waitForState(t, f.developer.token, created.json().id, ['succeeded', 'failed', 'aborted', 'interrupted']);
    expect(done.state, JSON.stringify(done)).toBe('succeeded');
    return done.id as string;
  };
  const programFile = (i: number) => path.join(supervisors[i]?.programDirHere ?? '', `${PROGRAM}.conf`);
  const pidOf = (i: number) => {
    const line = supervisors[i]?.ctl('status', PROGRAM).stdout ?? '';
    expect(line).toMatch(new RegExp(`^${PROGRAM}\\s+RUNNING\\s+pid \\d+`));
    return Number(/pid (\d+)/.exec(line)?.[1]);
  };
  const health = async (i: number) => {
    const port = readFileSync(path.join(f.hosts.hosts[i]?.deployRoot ?? '', 'app/shared/port'), 'utf8').trim();
    const response = await fetch(`http://127.0.0.1:${port}/health`).catch(() => null);
    return response?.ok ? response.text() : null;
  };
  const hostOp = (i: number, op: string) => call('POST', `/api/environments/${f.environmentId}/servers/${f.serverIds[i]}/service/${op}`);

  it('refuses configs that could break out of their field, naming the field', async () => {
    const cases: [object, RegExp][] = [
      [{ manager: 'supervisor', command: 'echo a\nrm -rf /' }, /service\.command/],
      [{ manager: 'supervisor', command: 'x', environment: { NOTE: 'a\n[program:evil]' } }, /service\.environment\.NOTE/],
      [{ manager: 'supervisor', command: 'x', environment: { NOTE: `it's "both"` } }, /service\.environment\.NOTE/],
      [{ manager: 'supervisor', command: 'x', environment: { 'bad key': 'x' } }, /service\.environment/],
      [{ manager: 'supervisor', command: 'x', name: '../../etc/evil' }, /service\.name/],
      [{ manager: 'supervisor', command: 'x', workingDir: '../../etc' }, /service\.workingDir/],
      [{ manager: 'supervisor', command: 'x', supervisor: { programDir: '/etc/../root' } }, /service\.supervisor\.programDir/],
      [{ manager: 'systemd' }, /service\.command/],
      [{ manager: 'cron', command: 'x', schedule: '* * * *' }, /service\.schedule/],
      [{ manager: 'cron', command: 'x' }, /service\.schedule/],
    ];
    for (const [config, field] of cases) {
      const response = await call('PATCH', `/api/projects/${f.projectId}`, { service: config }, f.owner.token);
      expect(response.statusCode, JSON.stringify(config)).toBe(400);
      expect(response.json().error.message, JSON.stringify(config)).toMatch(field);
    }
    // Developers do not configure projects.
    expect((await call('PATCH', `/api/projects/${f.projectId}`, { service: service() })).statusCode).toBe(403);
  });

  it('installs the program with the release and runs it on every host; an unchanged config is not rewritten on the next release', async () => {
    const saved = await call('PATCH', `/api/projects/${f.projectId}`, { service: service() }, f.owner.token);
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json().service).toEqual(service());

    const preview = await call('GET', `/api/projects/${f.projectId}/service-preview?environmentId=${f.environmentId}`);
    expect(preview.statusCode, preview.body).toBe(200);
    expect(preview.json().files).toEqual([{ path: `${supervisors[0]?.programDir}/${PROGRAM}.conf`, content: expect.stringContaining(`[program:${PROGRAM}]\n`) }]);
    const dry = await call('POST', '/api/releases/dry-run', { environmentId: f.environmentId, ref: 'main' });
    expect(dry.statusCode, dry.body).toBe(200);
    const restart = dry.json().targets[0].commands.find((c: { stdin?: string }) => c.stdin?.includes('supervisorctl'));
    expect(restart?.stdin).toContain(`update '${PROGRAM}'`);
    expect(restart?.stdin).toContain(`restart '${PROGRAM}'`);

    const first = await release();
    const installed = [0, 1].map((i) => statSync(programFile(i)));
    expect(readFileSync(programFile(0), 'utf8')).toBe(preview.json().files[0].content);
    const firstPids = [0, 1].map(pidOf);
    for (const i of [0, 1]) expect(await health(i)).toBe(first);
    // The hostile-looking value reached the process as written: no extra variable, nothing expanded.
    const environ = readFileSync(`/proc/${firstPids[0]}/environ`, 'utf8').split('\0');
    expect(environ).toContain(`NOTE=${NOTE}`);
    expect(environ.some((v) => v.startsWith('B='))).toBe(false);

    f.repo.addCommit({ message: 'second version' });
    const second = await release();
    for (const i of [0, 1]) {
      const again = statSync(programFile(i));
      expect([again.ino, again.mtimeMs]).toEqual([installed[i]?.ino, installed[i]?.mtimeMs]);
      expect(pidOf(i)).not.toBe(firstPids[i]);
      expect(await health(i)).toBe(second);
    }
  });

  it('stops, starts, reports and shows logs per host, and restarts the whole environment', async () => {
    const stopped = await hostOp(0, 'stop');
    expect(stopped.statusCode, stopped.body).toBe(200);
    expect(stopped.json()).toMatchObject({ ok: true, exitCode: 0 });
    const down = (await hostOp(0, 'status')).json();
    expect(down.ok).toBe(true);
    expect(parseServiceStatus(down.output)).toEqual({ state: 'STOPPED', pid: null, detail: 'STOPPED' });
    expect(await health(0)).toBeNull();
    expect(await health(1)).not.toBeNull();

    expect((await hostOp(0, 'start')).json()).toMatchObject({ ok: true, exitCode: 0 });
    const up = parseServiceStatus((await hostOp(0, 'status')).json().output);
    expect(up).toEqual({ state: 'RUNNING', pid: pidOf(0), detail: '' });

    const logs = await call('GET', `/api/environments/${f.environmentId}/servers/${f.serverIds[0]}/service/logs?lines=4`);
    expect(logs.statusCode, logs.body).toBe(200);
    expect(logs.json().ok).toBe(true);
    expect(logs.json().output).toContain('up at 100% on ');
    expect(logs.json().output).toContain(NOTE);
    expect(logs.json().output.trimEnd().split('\n').length).toBeLessThanOrEqual(4);
    expect((await call('GET', `/api/environments/${f.environmentId}/servers/${f.serverIds[0]}/service/logs?lines=1001`)).statusCode).toBe(400);

    const pids = [0, 1].map(pidOf);
    const all = await call('POST', `/api/environments/${f.environmentId}/service/restart`);
    expect(all.statusCode, all.body).toBe(200);
    expect(all.json()).toMatchObject({ ok: true, results: f.serverIds.map((serverId) => ({ serverId, ok: true, exitCode: 0 })) });
    for (const i of [0, 1]) expect(pidOf(i)).not.toBe(pids[i]);

    const audit = await t.db.auditLog.findMany({ where: { resourceId: f.environmentId, action: { startsWith: 'service.' } }, orderBy: { id: 'asc' } });
    expect(audit.map((a) => a.action)).toEqual(['service.stop', 'service.status', 'service.start', 'service.status', 'service.logs', 'service.restart']);
  });

  it('refuses a developer where the environment lets only owners release', async () => {
    await t.db.environment.update({ where: { id: f.environmentId }, data: { policy: { releasers: 'owners' } } });
    try {
      const refused = await hostOp(0, 'restart');
      expect(refused.statusCode).toBe(403);
      expect(refused.json().error.message).toMatch(/Only owners/);
      expect((await call('POST', `/api/environments/${f.environmentId}/servers/${f.serverIds[0]}/service/status`, undefined, f.owner.token)).json().ok).toBe(true);
    } finally {
      await t.db.environment.update({ where: { id: f.environmentId }, data: { policy: {} } });
    }
  });

  it('follows a host\'s service log over a WebSocket: the last lines, then each line as written, secrets masked, until access ends', async () => {
    const secret = `s3cret-${Math.random().toString(36).slice(2)}`;
    await t.db.environment.update({ where: { id: f.environmentId }, data: { variables: [{ key: 'API_TOKEN', value: t.app.secrets.encrypt(secret), secret: true }] } });
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const base = `ws://127.0.0.1:${(t.app.server.address() as AddressInfo).port}/ws/environments/${f.environmentId}/servers`;
    const logFile = path.join(f.hosts.hosts[0]?.deployRoot ?? '', `app/shared/logs/${PROGRAM}.log`);
    const tag = Math.random().toString(36).slice(2);
    appendFileSync(logFile, `before ${tag}\n`);

    const follower = follow(`${base}/${f.serverIds[0]}/service/logs?lines=7`, f.developer.token);
    await follower.opened;
    await until(() => follower.stdout().includes(`before ${tag}`), 'the last lines');
    expect(follower.stdout().indexOf(`before ${tag}`)).toBeLessThan(7);
    // Written in pieces as a service would: a line reaches the viewer whole, once its end is written.
    appendFileSync(logFile, `after ${tag} token=${secret.slice(0, 5)}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    appendFileSync(logFile, `${secret.slice(5)} 中文\n`);
    await until(() => follower.stdout().some((line) => line.startsWith(`after ${tag}`)), 'a line written after the follow began');
    expect(follower.stdout().filter((line) => line.startsWith(`after ${tag}`))).toEqual([`after ${tag} token=${SECRET_MASK} 中文`]);
    expect(follower.raw()).not.toContain(secret);
    expect(remoteTails()).toHaveLength(1);

    // The developer loses the right to operate this environment: the socket closes and the tail on the host ends.
    const restricted = await call('PATCH', `/api/environments/${f.environmentId}`, { policy: { releasers: 'owners' } }, f.owner.token);
    expect(restricted.statusCode, restricted.body).toBe(200);
    try {
      expect(await follower.closed).toBe(CLOSE_UNAUTHORIZED);
      await until(() => remoteTails().length === 0, 'the remote tail to end', 10_000);
      const refused = follow(`${base}/${f.serverIds[0]}/service/logs?lines=7`, f.developer.token);
      expect(await refused.closed).toBe(CLOSE_UNAUTHORIZED);
      expect(refused.reason()).toMatch(/Only owners/);
    } finally {
      await call('PATCH', `/api/environments/${f.environmentId}`, { policy: { releasers: 'developers' } }, f.owner.token);
    }
    const audit = await t.db.auditLog.findMany({ where: { resourceId: f.environmentId, action: 'service.follow' } });
    expect(audit.map((a) => a.details)).toEqual([{ serverId: f.serverIds[0], server: expect.any(String), lines: 7 }]);
  });

  it('scales in a supervised host: its program is stopped, the other keeps running, and it leaves the environment', async () => {
    const removed = await t.call(f.owner.token, { method: 'DELETE', url: `/api/environments/${f.environmentId}/servers/${f.serverIds[1]}` });
    expect(removed.statusCode, removed.body).toBe(200);
    expect(removed.json().steps.map((x: { step: string; ok: boolean }) => [x.step, x.ok])).toEqual([['stop', true]]);
    expect(supervisors[1]?.ctl('status', PROGRAM).stdout).toMatch(/STOPPED/);
    pidOf(0);
    const environment = (await call('GET', `/api/environments/${f.environmentId}`)).json();
    expect(environment.servers.map((x: { id: string }) => x.id)).toEqual([f.serverIds[0]]);
  });
});
