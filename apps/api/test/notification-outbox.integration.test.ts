import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Notifier } from '../src/notifications/notifier.js';
import { recordServiceAlarm } from '../src/notifications/outbox.js';
import { purgeOldNotifications } from '../src/notifications/retention.js';
import { addChannel, addRule, deliveriesOf, eventually } from './helpers/alerting.js';
import { dingtalkRobot } from './helpers/notify-stand-ins/dingtalk.js';
import { feishuRobot } from './helpers/notify-stand-ins/feishu.js';
import { failingFirst, startRobots, type RobotServer } from './helpers/notify-stand-ins/robot.js';
import { webhookReceiver } from './helpers/notify-stand-ins/webhook.js';
import { wecomRobot } from './helpers/notify-stand-ins/wecom.js';
import { buildTestApp, type TestApp, type TestUser } from './helpers/test-app.js';

const S = {
  dingToken: 'outbox-ding-token-0123456789',
  dingSign: 'SEC9876543210fedcba9876543210fedcba',
  wecomKey: 'outbox-wecom-key-1234',
  feishuHook: 'outbox-feishu-hook-77',
  feishuSign: 'outboxFeishuSign99',
  webhookHmac: 'outbox-webhook-hmac-secret-42',
};

describe('notification outbox and notifier', () => {
  let t: TestApp;
  let owner: TestUser;
  let groupId: string;
  const servers: RobotServer[] = [];
  const notifiers: Notifier[] = [];

  const notifier = (o: { retryBaseMs?: number; maxAttempts?: number } = {}) => {
    const n = new Notifier({
      db: t.db,
      secrets: t.app.secrets,
      subscriber: t.app.subscriber,
      publicUrl: 'https://rp.example.com',
      privateHosts: 'all',
      timeoutMs: 3_000,
      retryBaseMs: o.retryBaseMs ?? 100,
      maxAttempts: o.maxAttempts ?? 6,
      log: { warn: (m) => console.warn(m) },
    });
    notifiers.push(n);
    n.start();
    return n;
  };
  const robots = async (...args: Parameters<typeof startRobots>) => {
    const server = await startRobots(...args);
    servers.push(server);
    return server;
  };
  const alarm = (service: string, type: 'service_down' | 'service_recovered' = 'service_down') =>
    t.db.$transaction((tx) => recordServiceAlarm(tx, { type, groupId, service, server: 'web-1 (10.0.0.1)', detail: `${service} exited with status 1` }));

  beforeAll(async () => {
    t = await buildTestApp();
    groupId = (await t.createGroup()).id;
    owner = await t.createUser({ groupId, role: 'owner' });
  });
  afterEach(async () => {
    await Promise.all(notifiers.splice(0).map((n) => n.stop()));
    await Promise.all(servers.splice(0).map((s) => s.close()));
    // Each test's rules must not hear the next test's alarms.
    await t.db.alertRule.deleteMany({});
  });
  afterAll(async () => {
    await t.close();
  });

  it('25 alarms at once to one DingTalk robot: at most 20 messages, every alarm exactly once, signed', async () => {
    const server = await robots([dingtalkRobot({ accessToken: S.dingToken, signSecret: S.dingSign })]);
    const channelId = await addChannel(t, owner, { groupId, kind: 'dingtalk', secret: { webhookUrl: `${server.url}/robot/send?access_token=${S.dingToken}`, signSecret: S.dingSign } });
    await addRule(t, { groupId, events: ['service_down'], channelIds: [channelId] });
    const names = Array.from({ length: 25 }, (_, i) => `svc-${String(i).padStart(2, '0')}`);
    for (const name of names) await alarm(name);
    notifier();
    // One read for both conditions: with two, the deliveries could appear between them (an empty list is "all sent").
    await eventually(async () => {
      const rows = await deliveriesOf(t, channelId);
      return rows.length === 25 && rows.every((d) => d.state === 'sent' || d.state === 'merged');
    }, 'all 25 delivered');

    expect(server.received.length).toBeLessThanOrEqual(20);
    expect(server.received.every((r) => (r.reply.body as { errcode: number }).errcode === 0)).toBe(true);
    const texts = server.received.map((r) => (r.body as { markdown: { text: string } }).markdown.text).join('\n');
    for (const name of names) expect(texts.split(`${name} @`).length - 1, name).toBe(1);
    const rows = await deliveriesOf(t, channelId);
    expect(rows.filter((d) => d.state === 'merged').every((d) => d.mergedIntoId !== null)).toBe(true);
    expect(rows.filter((d) => d.state === 'sent')).toHaveLength(server.received.length);
  });

  it('errcode ≠ 0 is a failed attempt: retried with backoff until the robot accepts, the log keeps the answer', async () => {
    const server = await robots([failingFirst(dingtalkRobot({ accessToken: S.dingToken }), 2, { status: 200, body: { errcode: 130101, errmsg: 'send too fast, exceed 20 times per minute' } })]);
    const channelId = await addChannel(t, owner, { groupId, kind: 'dingtalk', secret: { webhookUrl: `${server.url}/robot/send?access_token=${S.dingToken}` } });
    await addRule(t, { groupId, events: ['service_down'], channelIds: [channelId] });
    await alarm('flaky');
    notifier();
    await eventually(async () => (await deliveriesOf(t, channelId))[0]?.state === 'sent', 'sent after retries');
    const [row] = await deliveriesOf(t, channelId);
    expect(row!.attempts).toBe(3);
    expect(server.received).toHaveLength(3);
    expect(row!.answer).toContain('"errcode":0');
  });

  it('gives up after the last attempt: failed, with the last error, and the next message still goes', async () => {
    const server = await robots([failingFirst(dingtalkRobot({ accessToken: S.dingToken }), 3, { status: 200, body: { errcode: 310000, errmsg: 'sign not match' } })]);
    const channelId = await addChannel(t, owner, { groupId, kind: 'dingtalk', secret: { webhookUrl: `${server.url}/robot/send?access_token=${S.dingToken}` } });
    await addRule(t, { groupId, events: ['service_down'], channelIds: [channelId] });
    await alarm('doomed');
    await alarm('after');
    notifier({ maxAttempts: 3 });
    await eventually(async () => (await deliveriesOf(t, channelId)).map((d) => d.state).join() === 'failed,sent', 'first failed, second sent');
    const [first] = await deliveriesOf(t, channelId);
    expect(first!.attempts).toBe(3);
    expect(first!.lastError).toContain('310000');
  });

  it('a channel down: messages wait and go out in order when it comes back, none twice', async () => {
    const first = await robots([webhookReceiver({ hmacSecret: S.webhookHmac })]);
    const port = Number(new URL(first.url).port);
    const channelId = await addChannel(t, owner, { groupId, kind: 'webhook', secret: { url: `${first.url}/hook`, hmacSecret: S.webhookHmac } });
    await addRule(t, { groupId, events: ['service_down', 'service_recovered'], channelIds: [channelId] });
    await first.close();
    servers.splice(servers.indexOf(first), 1);
    notifier({ retryBaseMs: 100, maxAttempts: 8 });
    for (const name of ['one', 'two', 'three', 'four', 'five']) await alarm(name);
    await eventually(async () => ((await deliveriesOf(t, channelId))[0]?.attempts ?? 0) >= 3, 'three failed attempts while down');
    expect((await deliveriesOf(t, channelId)).map((d) => d.state)).toEqual(['pending', 'pending', 'pending', 'pending', 'pending']);

    const back = await robots([webhookReceiver({ hmacSecret: S.webhookHmac })], { port });
    await eventually(async () => (await deliveriesOf(t, channelId)).every((d) => d.state === 'sent'), 'all sent after the channel came back');
    await new Promise((resolve) => setTimeout(resolve, 500));
    const order = back.received.map((r) => (r.body as { data: { service: string } }).data.service);
    expect(order).toEqual(['one', 'two', 'three', 'four', 'five']);
    const keys = back.received.map((r) => r.headers['idempotency-key']);
    expect(new Set(keys).size).toBe(5);
  });

  it('WeCom, Feishu and webhook receive the alarm signed and in their shape; a recovery too', async () => {
    const server = await robots([wecomRobot({ key: S.wecomKey }), feishuRobot({ hookId: S.feishuHook, signSecret: S.feishuSign }), webhookReceiver({ hmacSecret: S.webhookHmac })]);
    const channelIds = [
      await addChannel(t, owner, { groupId, kind: 'wecom', secret: { webhookUrl: `${server.url}/cgi-bin/webhook/send?key=${S.wecomKey}` } }),
      await addChannel(t, owner, { groupId, kind: 'feishu', secret: { webhookUrl: `${server.url}/open-apis/bot/v2/hook/${S.feishuHook}`, signSecret: S.feishuSign } }),
      await addChannel(t, owner, { groupId, kind: 'webhook', secret: { url: `${server.url}/hook`, hmacSecret: S.webhookHmac } }),
    ];
    await addRule(t, { groupId, events: ['service_down', 'service_recovered'], channelIds, locale: 'en' });
    await alarm('payments');
    await alarm('payments', 'service_recovered');
    notifier();
    await eventually(async () => (await t.db.notificationDelivery.count({ where: { channelId: { in: channelIds }, state: 'sent' } })) === 6, 'six messages sent');
    expect(server.received).toHaveLength(6);
    for (const r of server.received) expect(r.reply.status).toBe(200);
    const hook = server.received.filter((r) => r.path === '/hook').map((r) => r.body as { event: string; title: string });
    expect(hook.map((h) => h.event)).toEqual(['service_down', 'service_recovered']);
    expect(hook[0]!.title).toBe('Service down: payments @ web-1 (10.0.0.1)');
  });

  it('only failures and the environment pattern leave out what the rule does not want', async () => {
    const server = await robots([webhookReceiver({ hmacSecret: S.webhookHmac })]);
    const channelId = await addChannel(t, owner, { groupId, kind: 'webhook', secret: { url: `${server.url}/hook`, hmacSecret: S.webhookHmac } });
    await addRule(t, { groupId, events: ['service_down', 'service_recovered'], onlyFailures: true, channelIds: [channelId] });
    await addRule(t, { groupId, events: ['service_down'], environmentPattern: 'prod*', channelIds: [channelId] });
    await alarm('quiet', 'service_recovered');
    await t.db.$transaction((tx) => recordServiceAlarm(tx, { type: 'service_down', groupId, environment: 'production', service: 'loud', server: 'web-2' }));
    notifier();
    await eventually(async () => (await t.db.notificationEvent.count({ where: { expandedAt: null } })) === 0, 'events expanded');
    await eventually(async () => {
      const rows = await deliveriesOf(t, channelId);
      return rows.length === 2 && rows.every((d) => d.state === 'sent');
    }, 'both sent');
    const rows = await deliveriesOf(t, channelId);
    // The recovery matches neither rule; "loud" matches both (one message per rule).
    expect(rows.map((r) => r.event.type)).toEqual(['service_down', 'service_down']);
  });

  it('keeps notifications 30 days, and one still on its way for as long as it takes', async () => {
    const channelId = await addChannel(t, owner, { groupId, kind: 'webhook', secret: { url: 'http://127.0.0.1:9/hook', hmacSecret: S.webhookHmac } });
    const old = new Date(Date.now() - 31 * 86_400_000);
    const event = (state: string) =>
      t.db.notificationEvent.create({
        data: { type: 'service_down', subject: { groupId, service: state }, createdAt: old, expandedAt: old, deliveries: { create: { channelId, dedupeKey: `old-${state}-${Math.random()}`, state } } },
      });
    const done = await event('sent');
    const waiting = await event('pending');
    const recent = await t.db.notificationEvent.create({ data: { type: 'service_down', subject: { groupId }, expandedAt: new Date() } });
    expect(await purgeOldNotifications({ db: t.db })).toBeGreaterThanOrEqual(1);
    const left = (await t.db.notificationEvent.findMany({ where: { id: { in: [done.id, waiting.id, recent.id] } }, orderBy: { id: 'asc' } })).map((e) => e.id);
    expect(left).toEqual([waiting.id, recent.id]);
    await t.db.notificationEvent.deleteMany({ where: { id: { in: left } } });
  });
});
