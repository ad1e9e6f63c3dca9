import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { recordServiceAlarm } from '../src/notifications/outbox.js';
import { addChannel, addRule, deliveriesOf, eventually } from './helpers/alerting.js';
import { dingtalkRobot } from './helpers/notify-stand-ins/dingtalk.js';
import { startRobots, type RobotServer } from './helpers/notify-stand-ins/robot.js';
import { startServer, type ServerProcess } from './helpers/server-process.js';
import { buildTestApp, type TestApp, type TestUser } from './helpers/test-app.js';

const SECRET_KEY = 'notification-crash-shared-secret-key';
const TOKEN = 'crash-ding-token-0123';

/**
 * `pnpm worker` processes killed with SIGKILL around a notification: the outbox row outlives the process that
 * should have sent it, and a send cut short is never repeated by itself.
 */
describe('notifications across a killed worker', () => {
  let t: TestApp;
  let owner: TestUser;
  let groupId: string;
  let robots: RobotServer;
  let channelId: string;
  let env: Record<string, string>;
  const processes: ServerProcess[] = [];

  const worker = async () => {
    const p = await startServer(env, { entry: 'worker' });
    processes.push(p);
    return p;
  };
  const alarm = (service: string) => t.db.$transaction((tx) => recordServiceAlarm(tx, { type: 'service_down', groupId, service, server: 'web-1' }));

  beforeAll(async () => {
    t = await buildTestApp({ SECRET_KEY });
    groupId = (await t.createGroup()).id;
    owner = await t.createUser({ groupId, role: 'owner' });
    robots = await startRobots([dingtalkRobot({ accessToken: TOKEN })]);
    channelId = await addChannel(t, owner, { groupId, kind: 'dingtalk', secret: { webhookUrl: `${robots.url}/robot/send?access_token=${TOKEN}` } });
    await addRule(t, { groupId, events: ['service_down'], channelIds: [channelId] });
    env = {
      DATABASE_URL: t.database.url,
      SECRET_KEY,
      DATA_DIR: mkdtempSync(path.join(tmpdir(), 'rp-notify-crash-')),
      GIT_ALLOW_PRIVATE_HOSTS: 'true',
      NOTIFY_TIMEOUT_SECONDS: '1',
      NOTIFY_RETRY_BASE_MS: '200',
    };
  });
  afterEach(async () => {
    for (const p of processes.splice(0)) await p.stop('SIGKILL');
    robots.hold = false;
  });
  afterAll(async () => {
    await robots?.close();
    await t?.close();
  });

  it('killed after the state change and before the send: the next worker delivers it, once', async () => {
    const first = await worker();
    first.child.kill('SIGSTOP');
    await alarm('stopped-before-send');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(robots.received).toHaveLength(0);
    await first.stop('SIGKILL');

    await worker();
    await eventually(() => robots.received.length === 1, 'delivered by the next worker');
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(robots.received).toHaveLength(1);
    expect((robots.received[0]!.body as { markdown: { text: string } }).markdown.text).toContain('stopped-before-send');
    expect((await deliveriesOf(t, channelId)).map((d) => [d.state, d.attempts])).toEqual([['sent', 1]]);
  });

  it('killed during the send: marked uncertain, not sent again by itself; a person can resend it', async () => {
    robots.received.length = 0;
    await t.db.notificationDelivery.deleteMany({});
    robots.hold = true;
    const first = await worker();
    await alarm('killed-mid-send');
    await eventually(() => robots.received.length === 1, 'the send reached the robot');
    await first.stop('SIGKILL');
    robots.hold = false;

    await worker();
    // The dead worker's lease on the channel (3 × timeout + 5 s) runs out, then the next worker looks.
    await eventually(async () => (await deliveriesOf(t, channelId))[0]?.state === 'uncertain', 'marked uncertain', 20_000);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(robots.received).toHaveLength(1);
    const [row] = await deliveriesOf(t, channelId);
    expect(row!.lastError).toContain('not sent again by itself');

    const resend = await t.call(owner.token, { method: 'POST', url: `/api/notification-deliveries/${row!.id}/resend` });
    expect(resend.statusCode, resend.body).toBe(200);
    await eventually(async () => (await deliveriesOf(t, channelId))[0]?.state === 'sent', 'resent');
    expect(robots.received).toHaveLength(2);
  }, 60_000);
});
