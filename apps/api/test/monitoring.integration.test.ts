import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EnvironmentStatus, HostStatusChangePage } from '@rp/contract/monitoring';
import type { Transport } from '@rp/deploy-engine';
import { freePort, startSupervisor, type HostSupervisor } from '@rp/deploy-engine/testing';
import { scheduleMonitoring } from '../src/monitoring/schedule.js';
import { claimCheck, ensureStatusRows } from '../src/monitoring/store.js';
import { serviceCommands } from '../src/supervision/commands.js';
import { buildTestApp, type TestApp } from './helpers/test-app.js';
import { releaseFixture, waitForState, type ReleaseFixture } from './helpers/release-fixture.js';

const INTERVAL_SECONDS = 1;
const FAILURES_TO_DOWN = 3;

/** The transport as a worker has it, counting connections: each check makes one. */
function counting(inner: Transport): Transport & { checks: () => number; commands: string[] } {
  let n = 0;
  const commands: string[] = [];
  return {
    connect: async (server, hooks) => {
      n++;
      const connected = await inner.connect(server, hooks);
      if (!connected.ok) return connected;
      const { connection } = connected;
      // What the host's `ps` shows: the command line, never what goes on stdin.
      return { ok: true, connection: { exec: (command, options) => (commands.push(command), connection.exec(command, options)), close: () => connection.close() } };
    },
    checks: () => n,
    commands,
  };
}

async function until<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('service monitoring of real sshd hosts running a released app', () => {
  let t: TestApp;
  let f: ReleaseFixture;
  let deployPath: string;
  let releaseId: string;
  let stop: (() => Promise<void>) | undefined;
  let first: ReturnType<typeof counting>;
  let supervisor: HostSupervisor | undefined;
  const warnings: string[] = [];

  beforeAll(async () => {
    t = await buildTestApp({ WORKER_ENABLED: 'true', WORKER_HEARTBEAT_SECONDS: '1' });
    f = await releaseFixture(t, { hosts: 3, requireApproval: false });
    deployPath = (await t.db.environment.findUniqueOrThrow({ where: { id: f.environmentId } })).deployPath;
    const created = await t.call(f.developer.token, { method: 'POST', url: '/api/releases', payload: { environmentId: f.environmentId, ref: 'main' } });
    expect(created.statusCode, created.body).toBe(201);
    releaseId = created.json().id;
    expect((await waitForState(t, f.developer.token, releaseId, ['succeeded', 'failed'])).state).toBe('succeeded');
  });
  afterAll(async () => {
    await stop?.();
    await supervisor?.stop();
    await t?.close();
    await f?.cleanup();
  });

  const status = async (environmentId = f.environmentId) => {
    const response = await t.call(f.developer.token, { method: 'GET', url: `/api/environments/${environmentId}/status` });
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as EnvironmentStatus;
  };
  const stateOf = async (i: number) => (await status()).servers.find((s) => s.serverId === f.serverIds[i])?.state;
  const alarms = async (type: 'service_down' | 'service_recovered', server: string, environmentId = f.environmentId) =>
    (await t.db.notificationEvent.findMany({ where: { type } })).filter((e) => {
      const subject = e.subject as { server?: string; environmentId?: string };
      return subject.server === server && subject.environmentId === environmentId;
    }).length;
  const changes = async (serverId: string) => {
    const response = await t.call(f.developer.token, { method: 'GET', url: `/api/environments/${f.environmentId}/status/changes?serverId=${serverId}&pageSize=100` });
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as HostStatusChangePage;
  };

  /** Kills the app of host i the way a crash would: its pid file stays, naming a process that is gone. */
  const killApp = (i: number) => {
    const pid = Number(readFileSync(path.join(f.hosts.hosts[i]?.deployRoot ?? '', 'app/shared/app.pid'), 'utf8'));
    process.kill(pid, 'SIGKILL');
  };

  /** Starts the app of host i again with the project's own restart script, over SSH as an operator would. */
  const restartApp = async (i: number) => {
    const h = f.hosts.hosts[i];
    if (!h) throw new Error(`no host ${i}`);
    const connected = await t.app.ssh.connect({ host: h.host, port: h.port, username: h.username, privateKey: h.privateKey, hostKeyFingerprint: h.hostKeyFingerprint });
    if (!connected.ok) throw new Error(connected.error.message);
    const q = (s: string) => `'${s}'`;
    const out = await connected.connection.exec(`cd ${q(`${deployPath}/current`)} && DEPLOY_PATH=${q(deployPath)} PORT="$(cat ${q(`${deployPath}/shared/port`)})" sh bin/restart.sh`, { timeoutMs: 20_000 });
    connected.connection.close();
    expect(out.exitCode, out.stderrTail).toBe(0);
  };

  it('takes its settings from PATCH /monitor, checks every host and finds them up', async () => {
    const patched = await t.call(f.owner.token, { method: 'PATCH', url: `/api/environments/${f.environmentId}/monitor`, payload: { intervalSeconds: INTERVAL_SECONDS, failuresToDown: FAILURES_TO_DOWN } });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toEqual({ paused: false, intervalSeconds: INTERVAL_SECONDS, failuresToDown: FAILURES_TO_DOWN });
    const audit = await t.db.auditLog.findFirst({ where: { action: 'environment.monitor', resourceId: f.environmentId } });
    expect(audit?.details).toEqual({ intervalSeconds: INTERVAL_SECONDS, failuresToDown: FAILURES_TO_DOWN });

    first = counting(t.app.ssh);
    stop = scheduleMonitoring({ db: t.db, transport: first, secrets: t.app.secrets, log: { warn: (msg) => warnings.push(msg) } }, { refreshMs: 500 });
    const up = await until('every host up', async () => {
      const view = await status();
      return view.servers.every((s) => s.state === 'up') && view;
    });
    expect(up.monitor).toEqual({ paused: false, intervalSeconds: INTERVAL_SECONDS, failuresToDown: FAILURES_TO_DOWN });
    for (const server of up.servers) {
      expect(server).toMatchObject({ process: 'no manager', healthy: true, version: releaseId, failures: 0, detail: null });
      expect(server.diskFreeBytes).toBeGreaterThan(0);
    }
    expect(warnings).toEqual([]);
  });

  it('declares a host whose app died down within three intervals, with exactly one alarm, and the others stay up', async () => {
    killApp(0);
    const killedAt = Date.now();
    await until('web-1 down', async () => (await stateOf(0)) === 'down');
    // Three failed checks one interval apart, plus up to one interval until the first and the time each one takes.
    expect(Date.now() - killedAt).toBeLessThan((FAILURES_TO_DOWN + 2) * INTERVAL_SECONDS * 1000 + 2000);
    const view = await status();
    const down = view.servers.find((s) => s.serverId === f.serverIds[0]);
    expect(down).toMatchObject({ healthy: false, version: releaseId, detail: expect.stringContaining('health check failed') });
    expect(down?.failures).toBeGreaterThanOrEqual(FAILURES_TO_DOWN);
    expect(view.servers.filter((s) => s.serverId !== f.serverIds[0]).map((s) => s.state)).toEqual(['up', 'up']);

    // A few more intervals: still one alarm, not one per failed check.
    await new Promise((resolve) => setTimeout(resolve, 3 * INTERVAL_SECONDS * 1000));
    expect(await alarms('service_down', 'web-1')).toBe(1);
    const event = await t.db.notificationEvent.findFirstOrThrow({ where: { type: 'service_down' } });
    expect(event.subject).toMatchObject({ groupId: f.groupId, projectId: f.projectId, environmentId: f.environmentId, environment: 'prod', service: 'sample-app', server: 'web-1' });
    expect(await alarms('service_down', 'web-2')).toBe(0);
    expect((await changes(f.serverIds[0] ?? '')).items[0]).toMatchObject({ from: 'up', to: 'down', serverName: 'web-1' });
  });

  it('declares it up at the first passing check once the app runs again, with one recovery alarm', async () => {
    await restartApp(0);
    await until('web-1 up', async () => (await stateOf(0)) === 'up', 10_000);
    expect(await alarms('service_recovered', 'web-1')).toBe(1);
    expect((await changes(f.serverIds[0] ?? '')).items.map((c) => `${c.from}>${c.to}`)).toEqual(['down>up', 'up>down', 'unknown>up']);
  });

  it('damps a flapping host: its state follows every flap, the alarms do not', async () => {
    for (let flap = 0; flap < 3; flap++) {
      killApp(0);
      await until(`web-1 down (flap ${flap + 1})`, async () => (await stateOf(0)) === 'down', 15_000);
      await restartApp(0);
      await until(`web-1 up (flap ${flap + 1})`, async () => (await stateOf(0)) === 'up', 10_000);
    }
    expect((await changes(f.serverIds[0] ?? '')).total).toBe(3 + 2 * 3);
    // Inside ten minutes of the first alarms, no new down alarm, and so no recovery to announce either.
    expect(await alarms('service_down', 'web-1')).toBe(1);
    expect(await alarms('service_recovered', 'web-1')).toBe(1);
  });

  it('gives each slot of a host to one worker only, and none while its environment is paused', async () => {
    // An environment of an archived project: no loop checks it, so the claims below are the only ones.
    const project = await t.db.project.create({ data: { groupId: f.groupId, name: 'claims', gitUrl: f.repo.url, preset: 'shell', archivedAt: new Date() } });
    const environment = await t.db.environment.create({ data: { projectId: project.id, name: 'prod', deployPath, rollout: {}, servers: { create: [{ serverId: f.serverIds[0] ?? '' }] } } });
    const host = { environmentId: environment.id, serverId: f.serverIds[0] ?? '' };
    await ensureStatusRows(t.db, [host]);
    const slot = Date.now();
    const claim = async (at: number) => (await claimCheck(t.db, host, new Date(at))) !== null;
    expect(await claim(slot)).toBe(true);
    expect(await claim(slot)).toBe(false);
    expect(await claim(slot - 1000)).toBe(false);
    expect(await claim(slot + 1000)).toBe(true);
    await t.db.environment.update({ where: { id: environment.id }, data: { monitor: { paused: true } } });
    expect(await claim(slot + 2000)).toBe(false);
  });

  it('runs one check per host per interval however many workers monitor', async () => {
    // The app's own worker monitors too, so three loops share these hosts' slots; the two counted here never exceed one check per slot.
    const second = counting(t.app.ssh);
    const stopSecond = scheduleMonitoring({ db: t.db, transport: second, secrets: t.app.secrets, log: { warn: (msg) => warnings.push(msg) } }, { refreshMs: 500 });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const before = first.checks() + second.checks();
    const seconds = 6;
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    const checks = first.checks() + second.checks() - before;
    await stopSecond();
    expect(checks).toBeLessThanOrEqual(3 * (seconds + 1));
    expect((await status()).servers.map((s) => s.state)).toEqual(['up', 'up', 'up']);
  });

  it('stops checking a paused environment and sets its hosts to unknown without an alarm', async () => {
    const paused = await t.call(f.owner.token, { method: 'PATCH', url: `/api/environments/${f.environmentId}/monitor`, payload: { paused: true } });
    expect(paused.statusCode, paused.body).toBe(200);
    expect(paused.json().paused).toBe(true);
    const view = await status();
    expect(view.servers.map((s) => s.state)).toEqual(['unknown', 'unknown', 'unknown']);
    expect((await changes(f.serverIds[1] ?? '')).items[0]).toMatchObject({ from: 'up', to: 'unknown', detail: 'monitoring paused' });

    const checkedAt = view.servers.map((s) => s.checkedAt);
    killApp(1);
    await new Promise((resolve) => setTimeout(resolve, (FAILURES_TO_DOWN + 2) * INTERVAL_SECONDS * 1000));
    const later = await status();
    expect(later.servers.map((s) => s.checkedAt)).toEqual(checkedAt);
    expect(later.servers.map((s) => s.state)).toEqual(['unknown', 'unknown', 'unknown']);
    expect(await alarms('service_down', 'web-2')).toBe(0);
    expect(warnings).toEqual([]);
  });

  it('follows a supervisor-managed program: down when it dies and cannot start, up once supervisorctl starts it', async () => {
    const h = f.hosts.hosts[2];
    if (!h) throw new Error('no third host');
    supervisor = await startSupervisor(h);
    // The program refuses to start while its marker is missing, so supervisord's own restarts fail until it is back.
    const marker = 'shared/sup-enabled';
    writeFileSync(path.join(h.deployRoot, 'app', marker), '');
    const service = {
      manager: 'supervisor' as const,
      name: 'rp-sup',
      command: 'test -f "$MARKER" || exit 1; echo $$ > "$PID_FILE"; exec node server.js',
      environment: { MARKER: `${deployPath}/${marker}`, PID_FILE: `${deployPath}/shared/sup.pid`, PORT: String(await freePort()) },
      supervisor: { programDir: supervisor.programDir, configPath: supervisor.configPath },
    };
    const project = await t.db.project.create({ data: { groupId: f.groupId, name: 'sup-app', gitUrl: f.repo.url, preset: 'shell', service } });
    const commands = serviceCommands(service, { project: { id: project.id, name: project.name, restartCommand: '' }, deployPath, sudo: false });
    const connected = await t.app.ssh.connect({ host: h.host, port: h.port, username: h.username, privateKey: h.privateKey, hostKeyFingerprint: h.hostKeyFingerprint });
    if (!connected.ok) throw new Error(connected.error.message);
    const installed = await connected.connection.exec(commands.install, { timeoutMs: 20_000 });
    connected.connection.close();
    expect(installed.exitCode, installed.stdout + installed.stderrTail).toBe(0);
    const environment = await t.db.environment.create({
      data: { projectId: project.id, name: 'prod', deployPath, rollout: { strategy: 'parallel', concurrency: 4 }, monitor: { intervalSeconds: 1 }, servers: { create: [{ serverId: f.serverIds[2] ?? '' }] } },
    });
    const server = async () => (await status(environment.id)).servers[0];

    const running = await until('the program up', async () => {
      const s = await server();
      return s?.state === 'up' && s;
    });
    expect(running.process).toMatch(/^RUNNING pid \d+$/);
    expect(running.healthy).toBeNull();

    rmSync(path.join(h.deployRoot, 'app', marker));
    process.kill(Number(running.process?.split(' ').at(-1)), 'SIGKILL');
    const down = await until('the program down', async () => {
      const s = await server();
      return s?.state === 'down' && s;
    }, 20_000);
    expect(down.process).toMatch(/^STOPPED (BACKOFF|STARTING|FATAL|EXITED)$/);
    expect(down.detail).toBe(`process ${down.process}`);
    expect(await alarms('service_down', 'web-3', environment.id)).toBe(1);

    writeFileSync(path.join(h.deployRoot, 'app', marker), '');
    supervisor.ctl('start', 'rp-sup');
    await until('the program up again', async () => (await server())?.state === 'up', 20_000);
    expect(await alarms('service_recovered', 'web-3', environment.id)).toBe(1);
    expect(warnings).toEqual([]);
  });

  it('checks the servers an environment selects by label, as its releases target them', async () => {
    await t.db.server.update({ where: { id: f.serverIds[1] ?? '' }, data: { labels: ['role=monitored'] } });
    const project = await t.db.project.create({ data: { groupId: f.groupId, name: 'by-label', gitUrl: f.repo.url, preset: 'shell' } });
    const environment = await t.db.environment.create({ data: { projectId: project.id, name: 'prod', deployPath, rollout: {}, serverSelector: 'role=monitored', monitor: { intervalSeconds: 1 } } });
    const up = await until('the selected server up', async () => {
      const view = await status(environment.id);
      return view.servers[0]?.state === 'up' && view;
    });
    expect(up.servers).toEqual([expect.objectContaining({ serverId: f.serverIds[1], serverName: 'web-2', version: releaseId, process: 'no manager', healthy: null })]);
  });

  it('masks the environment\'s secret variables in what a failing health check printed', async () => {
    const secret = 'monitor-secret-value-7f3a';
    // The environment was paused above.
    expect((await t.call(f.owner.token, { method: 'PATCH', url: `/api/environments/${f.environmentId}/monitor`, payload: { paused: false } })).statusCode).toBe(200);
    const patched = await t.call(f.owner.token, { method: 'PATCH', url: `/api/environments/${f.environmentId}`, payload: { variables: [{ key: 'API_KEY', value: secret, secret: true }] } });
    expect(patched.statusCode, patched.body).toBe(200);
    const healthCheck = { type: 'command', command: 'echo "calling with key=$API_KEY"; exit 3', retries: 1, intervalSeconds: 1, timeoutSeconds: 5 };
    expect((await t.call(f.owner.token, { method: 'PATCH', url: `/api/projects/${f.projectId}`, payload: { healthCheck } })).statusCode).toBe(200);
    const failing = await until('a failed check reported', async () => {
      const host = (await status()).servers.find((s) => s.serverId === f.serverIds[2]);
      return host?.detail?.includes('calling with key=') && host;
    });
    expect(failing.detail).toContain('key=******');
    // The secret reaches the health command, yet never a command line on the host.
    expect(first.commands.length).toBeGreaterThan(0);
    for (const command of first.commands) expect(command).not.toContain(secret);
    expect(failing.detail).not.toContain(secret);
    const stored = await t.db.hostStatus.findMany({ where: { environmentId: f.environmentId } });
    for (const row of stored) expect(row.detail ?? '').not.toContain(secret);
  });
});
