import { randomBytes } from 'node:crypto';
import { expect, signIn, ADMIN, test } from '../fixtures.js';
import { adminApi } from '../helpers/api.js';
import { choose, rowWith, snap } from '../helpers/element.js';
import { startSampleHosts, type SampleHosts } from '../helpers/sample-hosts.js';
import { dingtalkRobot } from '../../apps/api/test/helpers/notify-stand-ins/dingtalk.js';
import { startRobots, type RobotServer } from '../../apps/api/test/helpers/notify-stand-ins/robot.js';

/**
 * An owner's alert rule, made in the browser, tells a (stand-in, signature-checking) DingTalk robot that a release
 * succeeded; the release page leads to its delivery log, which says the message was sent.
 */
const TOKEN = 'e2e-ding-token';
const SIGN = 'SECe2eSignSecret0123456789';
let sample: SampleHosts;
let robots: RobotServer;

test.beforeAll(async () => {
  sample = await startSampleHosts(1, 'rp-e2e-alerts');
  robots = await startRobots([dingtalkRobot({ accessToken: TOKEN, signSecret: SIGN })]);
});

test.afterAll(async () => {
  await robots?.close();
  await sample?.stop();
});

test('an alert rule made in the browser sends a signed DingTalk message, and the delivery log shows it', async ({ page, request }, testInfo) => {
  test.setTimeout(120_000);
  const api = await adminApi(request);
  const tag = randomBytes(3).toString('hex');
  const group = await api.post<{ id: string; name: string }>('/api/groups', { name: `e2e-alerts-${tag}` });
  const host = sample.hosts.hosts[0];
  if (!host) throw new Error('no ssh host');
  const key = await api.post<{ id: string }>('/api/credentials', { groupId: group.id, name: 'deploy-key', kind: 'ssh_key', privateKey: host.privateKey });
  const server = await api.post<{ id: string }>('/api/servers', { groupId: group.id, name: 'web-1', host: host.host, port: host.port, username: host.username, credentialId: key.id });
  await api.post(`/api/servers/${server.id}/test`);
  const port = '"$(cat "$DEPLOY_PATH/shared/port")"';
  const project = await api.post<{ id: string }>('/api/projects', {
    groupId: group.id,
    name: 'shop',
    gitUrl: sample.repo.url,
    preset: 'shell',
    buildCommand: 'printf "%s\\n" "$COMMIT" > REVISION',
    artifactPaths: [],
    restartCommand: `PORT=${port} sh bin/restart.sh`,
    healthCheck: { type: 'command', command: `curl -fsS "http://127.0.0.1:${port.slice(1, -1)}/health"`, retries: 20, intervalSeconds: 1, timeoutSeconds: 5 },
  });
  const environment = await api.post<{ id: string }>(`/api/projects/${project.id}/environments`, { name: 'prod', deployPath: sample.deployPath, serverIds: [server.id] });
  const channelName = `ops-robot-${tag}`;
  await api.post('/api/notification-channels', {
    groupId: group.id,
    name: channelName,
    kind: 'dingtalk',
    secret: { webhookUrl: `${robots.url}/robot/send?access_token=${TOKEN}`, signSecret: SIGN },
  });

  await page.goto('/');
  await signIn(page, ADMIN.username, ADMIN.password);
  await expect(page).not.toHaveURL(/\/login/);
  await page.goto('/alert-rules');
  await page.getByTestId('rule-create').click();
  const dialog = page.getByTestId('rule-dialog');
  await expect(dialog).toBeVisible();
  await choose(page, dialog.getByTestId('rule-group'), group.name);
  await choose(page, dialog.getByTestId('rule-project'), 'shop');
  await dialog.getByTestId('rule-name').fill('shop releases');
  await dialog.getByTestId('rule-event-succeeded').click();
  await choose(page, dialog.getByTestId('rule-channels'), channelName);
  await snap(page, testInfo, 'alert-rule-dialog');
  await dialog.getByTestId('rule-save').click();
  await expect(dialog).toBeHidden();
  const row = rowWith(page.locator('.el-table'), 'rule-row-name', 'shop releases');
  await expect(row).toContainText('发布成功');
  await expect(row).toContainText(channelName);

  const release = await api.post<{ id: string }>('/api/releases', { environmentId: environment.id, ref: 'main' });
  await expect.poll(async () => (await api.get<{ state: string }>(`/api/releases/${release.id}`)).state, { timeout: 90_000 }).toBe('succeeded');
  await expect.poll(() => robots.received.length, { timeout: 15_000 }).toBe(1);
  const message = robots.received[0]!;
  expect((message.reply.body as { errcode: number }).errcode).toBe(0);
  expect((message.body as { markdown: { title: string } }).markdown.title).toBe('【发布成功】shop / prod · main');

  await page.goto(`/releases/${release.id}`);
  await page.getByTestId('release-notifications').click();
  await expect(page).toHaveURL(new RegExp(`/notification-deliveries\\?releaseId=${release.id}`));
  await expect(page.getByTestId('delivery-state-sent')).toHaveCount(1);
  await expect(page.locator('.el-table')).toContainText(channelName);
  await snap(page, testInfo, 'delivery-log');
});
