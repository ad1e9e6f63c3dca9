import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendToChannel } from '../src/notifications/send.js';
import { buildTestApp, type TestApp, type TestUser } from './helpers/test-app.js';
import { dingtalkRobot } from './helpers/notify-stand-ins/dingtalk.js';
import { feishuRobot } from './helpers/notify-stand-ins/feishu.js';
import { startRobots, type RobotServer } from './helpers/notify-stand-ins/robot.js';
import { startSmtp, type SmtpStandIn } from './helpers/notify-stand-ins/smtp.js';
import { webhookReceiver } from './helpers/notify-stand-ins/webhook.js';
import { wecomRobot } from './helpers/notify-stand-ins/wecom.js';

/** A loopback port nothing listens on: taken from the system, then released. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Secret values used below: none may ever appear in a response or an audit row. */
const S = {
  dingToken: 'dt-access-token-0123456789abcdef',
  dingSign: 'SEC0123456789abcdef0123456789abcdef',
  dingKeyword: 'deploy',
  wecomKey: '7a1e5b3c-wecom-key-4d2f-9c8b',
  feishuHook: 'feishu-hook-5f0c1a2b3d4e',
  feishuSign: 'feishuSignSecret42',
  webhookHmac: 'webhook-hmac-secret-0123456789',
  smtpPassword: 'smtp-password-987654',
};

describe('notification channels', () => {
  let t: TestApp;
  let admin: TestUser;
  let owner: TestUser;
  let developer: TestUser;
  let outsider: TestUser;
  let groupId: string;
  let robots: RobotServer;
  let keywordRobots: RobotServer;
  let smtp: SmtpStandIn;
  /** Every response body of this file, searched for secrets at the end. */
  const bodies: string[] = [];

  beforeAll(async () => {
    // The stand-ins listen on the loopback, which only GIT_ALLOW_PRIVATE_HOSTS=true lets the platform reach.
    t = await buildTestApp({ GIT_ALLOW_PRIVATE_HOSTS: 'true' });
    admin = await t.createUser({ isAdmin: true });
    groupId = (await t.createGroup()).id;
    owner = await t.createUser({ groupId, role: 'owner' });
    developer = await t.createUser({ groupId, role: 'developer' });
    outsider = await t.createUser();
    robots = await startRobots([
      dingtalkRobot({ accessToken: S.dingToken, signSecret: S.dingSign }),
      wecomRobot({ key: S.wecomKey }),
      feishuRobot({ hookId: S.feishuHook, signSecret: S.feishuSign }),
      webhookReceiver({ hmacSecret: S.webhookHmac }),
    ]);
    keywordRobots = await startRobots([dingtalkRobot({ accessToken: S.dingToken, keyword: S.dingKeyword })]);
    smtp = await startSmtp({ user: 'mailer', password: S.smtpPassword });
  });
  afterAll(async () => {
    await robots?.close();
    await keywordRobots?.close();
    await smtp?.close();
    await t?.close();
  });

  const call = async (user: TestUser, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) => {
    const response = await t.call(user.token, { method, url, payload });
    bodies.push(response.body);
    return response;
  };
  const create = (user: TestUser, payload: object) => call(user, 'POST', '/api/notification-channels', { groupId, ...payload });
  const runTest = async (user: TestUser, id: string) => {
    const response = await call(user, 'POST', `/api/notification-channels/${id}/test`);
    expect(response.statusCode).toBe(200);
    return response.json() as { ok: boolean; answer: string; at: string };
  };
  const dingUrl = (base: string) => `${base}/robot/send?access_token=${S.dingToken}`;
  const lastTo = (server: RobotServer, path: string) => server.received.filter((r) => r.path === path).at(-1);

  it('creates, lists, shows, changes and deletes a channel; a PATCH without the secret keeps it', async () => {
    const created = await create(owner, { name: 'ops robot', kind: 'dingtalk', settings: { atMobiles: ['13800000000'] }, secret: { webhookUrl: dingUrl(robots.url), signSecret: S.dingSign } });
    expect(created.statusCode).toBe(201);
    const channel = created.json();
    expect(channel).toMatchObject({ groupId, name: 'ops robot', kind: 'dingtalk', settings: { atMobiles: ['13800000000'] }, secretHints: { webhookUrl: `${robots.url}/…`, signSecret: '******' } });
    expect(channel.lastTest).toEqual({ at: null, ok: null, answer: null });
    const row = await t.db.notificationChannel.findUniqueOrThrow({ where: { id: channel.id } });
    expect(row.secret).toMatch(/^v1:/);
    expect(JSON.parse(t.app.secrets.decrypt(row.secret))).toEqual({ webhookUrl: dingUrl(robots.url), signSecret: S.dingSign });

    const global = await call(admin, 'POST', '/api/notification-channels', { name: 'company hook', kind: 'webhook', secret: { url: `${robots.url}/hook`, hmacSecret: S.webhookHmac } });
    expect(global.statusCode).toBe(201);
    expect(global.json().groupId).toBeNull();

    const names = async (user: TestUser, query = '') => ((await call(user, 'GET', `/api/notification-channels?pageSize=200${query}`)).json().items as { name: string }[]).map((c) => c.name);
    expect(await names(developer)).toEqual(['company hook', 'ops robot']);
    expect(await names(outsider)).toEqual(['company hook']);
    expect(await names(admin, '&global=true')).toEqual(['company hook']);
    expect(await names(admin, `&groupId=${groupId}&kind=dingtalk&q=OPS`)).toEqual(['ops robot']);
    expect(await names(developer, '&kind=email')).toEqual([]);
    expect((await call(developer, 'GET', `/api/notification-channels/${channel.id}`)).json().name).toBe('ops robot');
    expect((await call(outsider, 'GET', `/api/notification-channels/${channel.id}`)).statusCode).toBe(403);

    const renamed = await call(owner, 'PATCH', `/api/notification-channels/${channel.id}`, { name: 'ops robot 2', settings: { keyword: 'deploy' } });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json()).toMatchObject({ name: 'ops robot 2', settings: { keyword: 'deploy' }, secretHints: { webhookUrl: `${robots.url}/…`, signSecret: '******' } });
    const kept = await t.db.notificationChannel.findUniqueOrThrow({ where: { id: channel.id } });
    expect(JSON.parse(t.app.secrets.decrypt(kept.secret))).toEqual({ webhookUrl: dingUrl(robots.url), signSecret: S.dingSign });

    const unsigned = await call(owner, 'PATCH', `/api/notification-channels/${channel.id}`, { secret: { signSecret: null } });
    expect(unsigned.json().secretHints).toEqual({ webhookUrl: `${robots.url}/…` });
    expect((await call(owner, 'PATCH', `/api/notification-channels/${channel.id}`, { secret: { webhookUrl: null } })).json().error.details[0].field).toBe('body.secret.webhookUrl');

    expect((await call(developer, 'DELETE', `/api/notification-channels/${channel.id}`)).statusCode).toBe(403);
    expect((await call(owner, 'DELETE', `/api/notification-channels/${channel.id}`)).statusCode).toBe(204);
    expect((await call(owner, 'GET', `/api/notification-channels/${channel.id}`)).statusCode).toBe(403);
    expect((await call(admin, 'GET', `/api/notification-channels/${channel.id}`)).statusCode).toBe(404);
    const actions = (await t.db.auditLog.findMany({ where: { resourceId: channel.id }, orderBy: { id: 'asc' } })).map((a) => a.action);
    expect(actions).toEqual(['notification_channel.create', 'notification_channel.update', 'notification_channel.update', 'notification_channel.delete']);
  });

  it('validates each kind strictly, naming the field; global channels only by administrators', async () => {
    const field = async (payload: object, user = owner) => {
      const response = await create(user, { name: `c-${Math.random()}`, ...payload });
      expect(response.statusCode).toBe(400);
      return response.json().error.details[0].field as string;
    };
    const email = { host: '127.0.0.1', port: 25, security: 'none', from: 'release@example.com' };
    expect(await field({ kind: 'dingtalk', secret: {} })).toBe('body.secret.webhookUrl');
    expect(await field({ kind: 'dingtalk', secret: { webhookUrl: dingUrl(robots.url), signSecret: 'not-sec' } })).toBe('body.secret.signSecret');
    expect(await field({ kind: 'dingtalk', settings: { atMobiles: ['call me'] }, secret: { webhookUrl: dingUrl(robots.url) } })).toBe('body.settings.atMobiles.0');
    expect(await field({ kind: 'email', settings: { ...email, port: 70000 }, secret: {} })).toBe('body.settings.port');
    expect(await field({ kind: 'email', settings: { ...email, security: 'ssl' }, secret: {} })).toBe('body.settings.security');
    expect(await field({ kind: 'email', settings: { ...email, to: ['nobody'] }, secret: {} })).toBe('body.settings.to.0');
    expect(await field({ kind: 'email', settings: { ...email, tls: true }, secret: {} })).toBe('body.settings.tls');
    expect(await field({ kind: 'wecom', settings: { keyword: 'x' }, secret: { webhookUrl: `${robots.url}/cgi-bin/webhook/send?key=k` } })).toBe('body.settings.keyword');
    expect(await field({ kind: 'webhook', secret: { url: `${robots.url}/hook`, hmacSecret: 'short' } })).toBe('body.secret.hmacSecret');
    expect(await field({ kind: 'feishu', secret: { webhookUrl: 'ftp://open.feishu.cn/x' } })).toBe('body.secret.webhookUrl');
    expect(await field({ kind: 'sms', secret: {} })).toBe('kind');
    // Plain http only to the loopback; metadata addresses never.
    expect(await field({ kind: 'wecom', secret: { webhookUrl: 'http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k' } })).toBe('body.secret.webhookUrl');
    expect(await field({ kind: 'webhook', secret: { url: 'https://169.254.169.254/latest', hmacSecret: S.webhookHmac } })).toBe('body.secret.url');
    expect(await field({ kind: 'feishu', secret: { webhookUrl: 'https://metadata.google.internal/hook' } })).toBe('body.secret.webhookUrl');
    expect(await field({ kind: 'email', settings: { ...email, host: '169.254.169.254' }, secret: {} })).toBe('body.settings.host');
    expect(await field({ kind: 'email', settings: { ...email, host: 'smtp.example.com', user: 'u' }, secret: { password: 'p' } })).toBe('body.settings.host');

    const global = await call(owner, 'POST', '/api/notification-channels', { name: 'mine', kind: 'wecom', secret: { webhookUrl: `${robots.url}/cgi-bin/webhook/send?key=k` } });
    expect(global.statusCode).toBe(403);
    const dup = { name: 'twice', kind: 'wecom', secret: { webhookUrl: `${robots.url}/cgi-bin/webhook/send?key=k` } };
    expect((await create(owner, dup)).statusCode).toBe(201);
    expect((await create(owner, dup)).statusCode).toBe(409);
    expect((await create(developer, { ...dup, name: 'dev' })).statusCode).toBe(403);
  });

  it('refuses private and loopback addresses when GIT_ALLOW_PRIVATE_HOSTS=false', async () => {
    const strict = await buildTestApp({ GIT_ALLOW_PRIVATE_HOSTS: 'false' });
    try {
      const root = await strict.createUser({ isAdmin: true });
      const post = (payload: object) => strict.call(root.token, { method: 'POST', url: '/api/notification-channels', payload: { name: `c-${Math.random()}`, ...payload } });
      for (const payload of [
        { kind: 'wecom', secret: { webhookUrl: `${robots.url}/cgi-bin/webhook/send?key=k` } },
        { kind: 'webhook', secret: { url: 'https://10.1.2.3/hook', hmacSecret: S.webhookHmac } },
        { kind: 'dingtalk', secret: { webhookUrl: 'https://192.168.1.10/robot/send?access_token=x' } },
        { kind: 'email', settings: { host: '127.0.0.1', port: 25, security: 'none', from: 'a@example.com' }, secret: {} },
      ]) {
        const response = await post(payload);
        expect(response.statusCode, JSON.stringify(payload)).toBe(400);
        expect(response.json().error.message).toMatch(/loopback|private/);
      }
    } finally {
      await strict.close();
    }
  });

  it('sends signed test messages the DingTalk, WeCom, Feishu and webhook stand-ins accept, and keeps the answer', async () => {
    const ding = (await create(owner, { name: 'ding', kind: 'dingtalk', settings: { atMobiles: ['13800000001'], atAll: false }, secret: { webhookUrl: dingUrl(robots.url), signSecret: S.dingSign } })).json();
    const dingResult = await runTest(owner, ding.id);
    expect(dingResult).toMatchObject({ ok: true, answer: 'HTTP 200: {"errcode":0,"errmsg":"ok"}' });
    const dingBody = lastTo(robots, '/robot/send')?.body as { msgtype: string; markdown: { title: string; text: string }; at: { atMobiles: string[] } };
    expect(dingBody.msgtype).toBe('markdown');
    expect(dingBody.markdown.title).toContain('测试消息');
    expect(dingBody.markdown.text).toContain('Release platform test message');
    expect(dingBody.markdown.text).toContain('@13800000001');
    expect(dingBody.at.atMobiles).toEqual(['13800000001']);
    const shown = (await call(developer, 'GET', `/api/notification-channels/${ding.id}`)).json();
    expect(shown.lastTest).toEqual({ at: dingResult.at, ok: true, answer: dingResult.answer });

    const wecom = (await create(owner, { name: 'wecom', kind: 'wecom', secret: { webhookUrl: `${robots.url}/cgi-bin/webhook/send?key=${S.wecomKey}` } })).json();
    expect(await runTest(owner, wecom.id)).toMatchObject({ ok: true, answer: 'HTTP 200: {"errcode":0,"errmsg":"ok"}' });
    expect((lastTo(robots, '/cgi-bin/webhook/send')?.body as { markdown: { content: string } }).markdown.content).toContain('测试消息');

    const feishu = (await create(owner, { name: 'feishu', kind: 'feishu', secret: { webhookUrl: `${robots.url}/open-apis/bot/v2/hook/${S.feishuHook}`, signSecret: S.feishuSign } })).json();
    const feishuResult = await runTest(owner, feishu.id);
    expect(feishuResult.ok, feishuResult.answer).toBe(true);
    expect(feishuResult.answer).toContain('"StatusCode":0');

    const hook = (await create(owner, { name: 'hook', kind: 'webhook', secret: { url: `${robots.url}/hook`, hmacSecret: S.webhookHmac } })).json();
    expect(await runTest(owner, hook.id)).toMatchObject({ ok: true, answer: 'HTTP 200: {"received":true}' });
    expect(lastTo(robots, '/hook')?.body).toMatchObject({ event: 'test', title: '发布平台测试消息 / Release platform test message' });

    expect((await call(developer, 'POST', `/api/notification-channels/${hook.id}/test`)).statusCode).toBe(403);
  });

  it('reports a bad sign, a missing keyword, a wrong token and a dead robot as failures with the remote answer, tokens masked', async () => {
    const badSign = (await create(owner, { name: 'bad sign', kind: 'dingtalk', secret: { webhookUrl: dingUrl(robots.url), signSecret: 'SEC0000wrong0000' } })).json();
    const signResult = await runTest(owner, badSign.id);
    expect(signResult.ok).toBe(false);
    expect(signResult.answer).toMatch(/^HTTP 200: \{"errcode":310000,"errmsg":"sign not match/);

    const noKeyword = (await create(owner, { name: 'no keyword', kind: 'dingtalk', secret: { webhookUrl: dingUrl(keywordRobots.url) } })).json();
    const keywordResult = await runTest(owner, noKeyword.id);
    expect(keywordResult.ok).toBe(false);
    expect(keywordResult.answer).toContain('keywords not in content');
    await call(owner, 'PATCH', `/api/notification-channels/${noKeyword.id}`, { settings: { keyword: S.dingKeyword } });
    expect((await runTest(owner, noKeyword.id)).ok).toBe(true);

    const wrongKey = (await create(owner, { name: 'wrong key', kind: 'wecom', secret: { webhookUrl: `${robots.url}/cgi-bin/webhook/send?key=other-key-123` } })).json();
    const keyResult = await runTest(owner, wrongKey.id);
    expect(keyResult).toMatchObject({ ok: false });
    expect(keyResult.answer).toContain('"errcode":93000');

    const feishuBad = (await create(owner, { name: 'feishu bad', kind: 'feishu', secret: { webhookUrl: `${robots.url}/open-apis/bot/v2/hook/${S.feishuHook}`, signSecret: 'wrong-secret' } })).json();
    const feishuResult = await runTest(owner, feishuBad.id);
    expect(feishuResult.ok).toBe(false);
    expect(feishuResult.answer).toContain('"code":19021');

    const hookBad = (await create(owner, { name: 'hook bad', kind: 'webhook', secret: { url: `${robots.url}/hook`, hmacSecret: 'another-secret-0123456789' } })).json();
    expect(await runTest(owner, hookBad.id)).toMatchObject({ ok: false, answer: 'HTTP 401: {"error":"bad signature"}' });

    const dead = (await create(owner, { name: 'dead', kind: 'dingtalk', secret: { webhookUrl: `http://127.0.0.1:${await deadPort()}/robot/send?access_token=${S.dingToken}` } })).json();
    const deadResult = await runTest(owner, dead.id);
    expect(deadResult.ok).toBe(false);
    expect(deadResult.answer).toMatch(/request failed: .*ECONNREFUSED/);
    const stored = await t.db.notificationChannel.findUniqueOrThrow({ where: { id: dead.id } });
    expect(stored.lastTestOk).toBe(false);
    expect(stored.lastTestAnswer).toBe(deadResult.answer);
  });

  it('checks the address policy again before sending', async () => {
    const result = await sendToChannel(
      { kind: 'wecom', settings: {}, secret: { webhookUrl: `${robots.url}/cgi-bin/webhook/send?key=${S.wecomKey}` } },
      { title: 't', markdown: 'm', text: 't', html: '<p>t</p>' },
      { timeoutMs: 5000, privateHosts: 'private' },
    );
    expect(result.ok).toBe(false);
    expect(result.answer).toMatch(/^refused: secret\.webhookUrl 127\.0\.0\.1 is a loopback address/);
    expect(result.answer).not.toContain(S.wecomKey);
  });

  it('masks tokens and signs the remote side echoes, and keeps 2,000 characters of a long answer', async () => {
    const echo = await startRobots([
      { path: '/robot/send', handle: (url) => ({ status: 200, body: { errcode: 310000, errmsg: `refused ${url.pathname}${url.search} ${'x'.repeat(100_000)}` } }) },
    ]);
    try {
      const result = await sendToChannel(
        { kind: 'dingtalk', settings: {}, secret: { webhookUrl: dingUrl(echo.url), signSecret: S.dingSign } },
        { title: 't', markdown: 'm', text: 't', html: '<p>t</p>' },
        { timeoutMs: 5000, privateHosts: 'all' },
      );
      expect(result.ok).toBe(false);
      expect(result.answer).toContain('access_token=***');
      expect(result.answer).toContain('sign=***');
      expect(result.answer).not.toContain(S.dingToken);
      expect(result.answer).toHaveLength(2000);
      expect(result.answer.endsWith('x…')).toBe(true);
    } finally {
      await echo.close();
    }
  });

  it('e-mails through a real SMTP server with auth: subject, text, html and attachments; wrong password and dead port fail', async () => {
    const settings = { host: '127.0.0.1', port: smtp.port, security: 'none', user: 'mailer', from: 'Release Platform <release@example.com>', to: ['ops@example.com'] };
    const mail = (await create(owner, { name: 'mail', kind: 'email', settings, secret: { password: S.smtpPassword } })).json();
    const result = await runTest(owner, mail.id);
    expect(result.ok, result.answer).toBe(true);
    expect(result.answer).toMatch(/^250 /);
    const arrived = smtp.messages.at(-1);
    expect(arrived?.subject).toBe('发布平台测试消息 / Release platform test message');
    expect(arrived?.text).toContain('This is a test message: notification channel "mail" works.');
    expect(arrived?.html).toContain('<h3>发布平台测试消息 / Release platform test message</h3>');
    expect(arrived?.from?.text).toContain('release@example.com');

    const log = Buffer.from('line 1\nline 2\n');
    const sent = await sendToChannel(
      { kind: 'email', settings: { ...settings, security: 'none' as const, to: [] }, secret: { password: S.smtpPassword } },
      { title: 'release 42 failed', markdown: '**failed**', text: 'failed', html: '<b>failed</b>', attachments: [{ filename: 'release-42.log', content: log, contentType: 'text/plain' }], mentions: { mobiles: [], emails: ['dev@example.com'] } },
      { timeoutMs: 5000, privateHosts: 'all' },
    );
    expect(sent.ok, sent.answer).toBe(true);
    const withLog = smtp.messages.at(-1);
    expect(withLog?.subject).toBe('release 42 failed');
    expect(withLog?.attachments.map((a) => [a.filename, a.content.toString()])).toEqual([['release-42.log', log.toString()]]);

    const wrong = (await create(owner, { name: 'mail wrong', kind: 'email', settings, secret: { password: 'not-the-password' } })).json();
    const refused = await runTest(owner, wrong.id);
    expect(refused.ok).toBe(false);
    expect(refused.answer).toMatch(/EAUTH: .*535/);

    const dead = (await create(owner, { name: 'mail dead', kind: 'email', settings: { ...settings, port: await deadPort() }, secret: { password: S.smtpPassword } })).json();
    const started = Date.now();
    const deadResult = await runTest(owner, dead.id);
    expect(deadResult.ok).toBe(false);
    expect(deadResult.answer).toMatch(/ECONNREFUSED/);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('never shows a secret in a response or the audit log', async () => {
    const rows = await t.db.auditLog.findMany({ where: { resourceType: 'notification_channel' } });
    const audit = JSON.stringify(rows, (_key, value: unknown) => (typeof value === 'bigint' ? String(value) : value));
    expect(audit).toContain('notification_channel.test');
    const everything = [...bodies, audit].join('\n');
    for (const [name, value] of Object.entries(S).filter(([key]) => key !== 'dingKeyword')) {
      expect(everything.includes(value), name).toBe(false);
      expect(everything.includes(encodeURIComponent(value)), name).toBe(false);
    }
  });
});
