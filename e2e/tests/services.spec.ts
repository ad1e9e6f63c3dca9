import { randomBytes } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { startSupervisor, type HostSupervisor } from '@rp/deploy-engine/testing';
import { expect, signIn, ADMIN, test } from '../fixtures.js';
import { adminApi } from '../helpers/api.js';
import { confirmMessageBox, snap } from '../helpers/element.js';
import { startSampleHosts, type SampleHosts } from '../helpers/sample-hosts.js';
import { dingtalkRobot } from '../../apps/api/test/helpers/notify-stand-ins/dingtalk.js';
import { startRobots, type RobotServer } from '../../apps/api/test/helpers/notify-stand-ins/robot.js';

/**
 * A project on four real sshd hosts under a real supervisord each: a release installs and starts the program; the
 * service stopped on one host shows as down on the status tab and raises a DingTalk alarm; "restart" in the browser
 * brings it back up and the recovery is announced too.
 */
const TOKEN = 'e2e-services-ding';
const PROGRAM = 'rp-shop';
let sample: SampleHosts;
let supervisors: HostSupervisor[];
let robots: RobotServer;

test.beforeAll(async () => {
  sample = await startSampleHosts(4, 'rp-e2e-services');
  supervisors = await Promise.all(sample.hosts.hosts.map((h) => startSupervisor(h)));
  robots = await startRobots([dingtalkRobot({ accessToken: TOKEN })]);
});

test.afterAll(async () => {
  await robots?.close();
  await Promise.all((supervisors ?? []).map((s) => s.stop()));
  await sample?.stop();
});

const alarms = (type: string) => robots.received.filter((r) => (r.body as { markdown: { title: string } }).markdown.title.startsWith(`【${type}】`));

test('a supervised service down on one host shows on the status tab, alarms, and comes back with restart', async ({ page, request }, testInfo) => {
  test.setTimeout(180_000);
  const api = await adminApi(request);
  const tag = randomBytes(3).toString('hex');
  const group = await api.post<{ id: string }>('/api/groups', { name: `e2e-services-${tag}` });
  const first = sample.hosts.hosts[0];
  if (!first) throw new Error('no ssh host');
  const key = await api.post<{ id: string }>('/api/credentials', { groupId: group.id, name: 'deploy-key', kind: 'ssh_key', privateKey: first.privateKey });
  const serverIds: string[] = [];
  for (const [i, h] of sample.hosts.hosts.entries()) {
    const server = await api.post<{ id: string }>('/api/servers', { groupId: group.id, name: `web-${i + 1}`, host: h.host, port: h.port, username: h.username, credentialId: key.id });
    await api.post(`/api/servers/${server.id}/test`);
    serverIds.push(server.id);
  }
  const port = `$(cat '${sample.deployPath}/shared/port')`;
  const project = await api.post<{ id: string }>('/api/projects', {
    groupId: group.id,
    name: 'shop',
    gitUrl: sample.repo.url,
    preset: 'nodejs',
    buildCommand: 'printf "%s\\n" "$COMMIT" > REVISION',
    artifactPaths: [],
    healthCheck: { type: 'command', command: `curl -fsS "http://127.0.0.1:${port}/health"`, retries: 20, intervalSeconds: 1, timeoutSeconds: 5 },
    service: {
      manager: 'supervisor',
      name: PROGRAM,
      // The sample app keeps running only while its pid file names it.
      command: `echo $$ > "$PID_FILE" && PORT=${port} exec node server.js`,
      environment: { PID_FILE: `${sample.deployPath}/shared/app.pid` },
      stopTimeoutSeconds: 5,
      supervisor: { programDir: supervisors[0]!.programDir, configPath: supervisors[0]!.configPath },
    },
  });
  const environment = await api.post<{ id: string }>(`/api/projects/${project.id}/environments`, { name: 'prod', deployPath: sample.deployPath, serverIds });
  await api.patch(`/api/environments/${environment.id}/monitor`, { intervalSeconds: 2, failuresToDown: 2 });
  const channel = await api.post<{ id: string }>('/api/notification-channels', { groupId: group.id, name: `alarms-${tag}`, kind: 'dingtalk', secret: { webhookUrl: `${robots.url}/robot/send?access_token=${TOKEN}` } });
  await api.post('/api/alert-rules', { groupId: group.id, name: 'service alarms', events: ['service_down', 'service_recovered'], channelIds: [channel.id] });

  const release = await api.post<{ id: string }>('/api/releases', { environmentId: environment.id, ref: 'main' });
  await expect
    .poll(async () => (await api.get<{ state: string }>(`/api/releases/${release.id}`)).state, { timeout: 120_000 })
    .toMatch(/^(succeeded|failed|aborted|interrupted)$/);
  expect((await api.get<{ state: string }>(`/api/releases/${release.id}`)).state).toBe('succeeded');
  for (const s of supervisors) expect(s.ctl('status', PROGRAM).stdout).toMatch(/RUNNING/);

  await page.goto('/');
  await signIn(page, ADMIN.username, ADMIN.password);
  await expect(page).not.toHaveURL(/\/login/);
  await page.goto(`/projects/${project.id}`);
  await page.locator('#tab-status').click();
  for (let i = 1; i <= 4; i++) await expect(page.getByTestId(`status-state-web-${i}`)).toHaveText('运行中', { timeout: 30_000 });

  // Someone stops the service on web-3 behind the platform's back.
  expect(supervisors[2]!.ctl('stop', PROGRAM).status).toBe(0);
  const stoppedAt = Date.now();
  await expect(page.getByTestId('status-state-web-3')).toHaveText('已宕机', { timeout: 60_000 });
  await expect.poll(() => alarms('服务异常').length, { timeout: 30_000 }).toBe(1);
  expect(Date.now() - stoppedAt).toBeLessThan(120_000);
  for (const i of [1, 2, 4]) await expect(page.getByTestId(`status-state-web-${i}`)).toHaveText('运行中');
  await snap(page, testInfo, 'service-down');

  await page.getByTestId('service-restart-web-3').click();
  await confirmMessageBox(page);
  await expect(page.getByTestId('service-output')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('status-state-web-3')).toHaveText('运行中', { timeout: 60_000 });
  expect(supervisors[2]!.ctl('status', PROGRAM).stdout).toMatch(/RUNNING/);
  await expect.poll(() => alarms('服务恢复').length, { timeout: 30_000 }).toBe(1);
  expect(alarms('服务异常')).toHaveLength(1);
  await snap(page, testInfo, 'service-up-again');

  // Following web-3's log: the last lines first, then what the service writes, without asking again.
  const logFile = path.join(sample.hosts.hosts[2]!.deployRoot, `app/shared/logs/${PROGRAM}.log`);
  appendFileSync(logFile, `before follow ${tag}\n`);
  await page.getByTestId('service-logs-web-3').click();
  await expect(page.getByTestId('service-logs-output')).toContainText(`before follow ${tag}`);
  await page.getByTestId('service-logs-follow').click();
  await expect(page.getByTestId('service-logs-following')).toBeVisible();
  await expect(page.getByTestId('service-logs-output')).toContainText(`before follow ${tag}`);
  appendFileSync(logFile, `written while following ${tag}\n`);
  await expect(page.getByTestId('service-logs-output')).toContainText(`written while following ${tag}`, { timeout: 10_000 });
  await snap(page, testInfo, 'service-log-followed');
  await page.getByTestId('service-logs-follow').click();
  await expect(page.getByTestId('service-logs-following')).toBeHidden();
});
