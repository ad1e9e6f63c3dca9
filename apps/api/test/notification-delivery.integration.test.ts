import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logAttachment, PLAIN_LOG_MAX } from '../src/notifications/log-attachment.js';
import { addChannel, addRule, deliveriesOf, eventually } from './helpers/alerting.js';
import { dingtalkRobot } from './helpers/notify-stand-ins/dingtalk.js';
import { startRobots, type RobotServer } from './helpers/notify-stand-ins/robot.js';
import { startSmtp, type SmtpStandIn } from './helpers/notify-stand-ins/smtp.js';
import { releaseFixture, waitForState, type ReleaseFixture } from './helpers/release-fixture.js';
import { freePort } from './helpers/server-process.js';
import { buildTestApp, type TestApp } from './helpers/test-app.js';

const S = { dingToken: 'release-ding-token-42', dingSign: 'SECreleaseSign0123456789abcdef', smtpPassword: 'smtp-pass-for-releases' };
const PUBLIC_URL = 'https://rp.example.com';

function pgDump(): string {
  const dirs = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a)) : [];
  return dirs.map((v) => `/usr/lib/postgresql/${v}/bin/pg_dump`).find((p) => existsSync(p)) ?? 'pg_dump';
}

interface DingMessage {
  url: string;
  markdown: { title: string; text: string };
  at: { atMobiles: string[] };
}

/**
 * Real releases over real sshd hosts with the notifier running inside the worker: what a DingTalk group and a
 * mailbox receive when a release fails, succeeds or waits for approval, and what a dead mail server does (nothing
 * to the release).
 */
describe('notifications of real releases', () => {
  let t: TestApp;
  let f: ReleaseFixture;
  let robots: RobotServer;
  let smtp: SmtpStandIn;
  /** Every line the API and its worker logged. */
  const logLines: string[] = [];
  const ch: Record<'ding' | 'mail' | 'badAuth' | 'deadMail' | 'approvals', string> = { ding: '', mail: '', badAuth: '', deadMail: '', approvals: '' };

  const release = async (token: string) => {
    const response = await t.call(token, { method: 'POST', url: '/api/releases', payload: { environmentId: f.environmentId, ref: 'main' } });
    expect(response.statusCode, response.body).toBe(201);
    return response.json() as { id: string; state: string };
  };
  const dingMessages = () => robots.received.map((r) => ({ url: r.url, ...(r.body as Omit<DingMessage, 'url'>) }));
  /** Every delivery made for the release so far is over (sent, merged or failed): nothing more will arrive. */
  const settled = (releaseId: string) =>
    eventually(async () => (await t.db.notificationEvent.count({ where: { releaseId, expandedAt: null } })) === 0 && (await t.db.notificationDelivery.count({ where: { event: { releaseId }, state: { in: ['pending', 'sending'] } } })) === 0, 'deliveries settled', 30_000);

  beforeAll(async () => {
    t = await buildTestApp({ WORKER_ENABLED: 'true', WORKER_HEARTBEAT_SECONDS: '1', PUBLIC_URL, NOTIFY_RETRY_BASE_MS: '200', NOTIFY_MAX_ATTEMPTS: '3', NOTIFY_TIMEOUT_SECONDS: '3' }, { logger: pino({ level: 'debug' }, { write: (line: string) => logLines.push(line) }) });
    f = await releaseFixture(t, { hosts: 2, requireApproval: false, rollout: { strategy: 'parallel', concurrency: 4, autoRollback: true } });
    robots = await startRobots([dingtalkRobot({ accessToken: S.dingToken, signSecret: S.dingSign, keyword: 'release' })]);
    smtp = await startSmtp({ user: 'platform', password: S.smtpPassword });
    const mail = (password: string, port: number, to: string[]) => ({
      kind: 'email',
      settings: { host: '127.0.0.1', port, security: 'none', user: 'platform', from: 'Release Platform <rp@example.com>', to },
      secret: { password },
    });
    const { groupId, owner } = f;
    ch.ding = await addChannel(t, owner, { groupId, kind: 'dingtalk', settings: { keyword: 'release' }, secret: { webhookUrl: `${robots.url}/robot/send?access_token=${S.dingToken}`, signSecret: S.dingSign } });
    ch.mail = await addChannel(t, owner, { groupId, ...mail(S.smtpPassword, smtp.port, ['ops@example.com']) });
    ch.badAuth = await addChannel(t, owner, { groupId, ...mail('not-the-password', smtp.port, ['ops@example.com']) });
    ch.deadMail = await addChannel(t, owner, { groupId, ...mail(S.smtpPassword, await freePort(), ['ops@example.com']) });
    ch.approvals = await addChannel(t, owner, { groupId, ...mail(S.smtpPassword, smtp.port, []) });
    await addRule(t, { environmentId: f.environmentId, events: ['failed'], channelIds: [ch.ding] });
    await addRule(t, { projectId: f.projectId, events: ['failed', 'succeeded'], channelIds: [ch.mail] });
    await addRule(t, { groupId, events: ['succeeded'], channelIds: [ch.badAuth, ch.deadMail] });
    await addRule(t, { groupId, events: ['awaiting_approval', 'approved'], channelIds: [ch.approvals] });
    await t.db.user.update({ where: { id: f.owner.id }, data: { email: 'owner@example.com' } });
    await t.db.user.update({ where: { id: f.developer.id }, data: { email: 'dev@example.com', dingtalkMobile: '13800000001', notifyPrefs: { channelId: ch.ding, myReleases: true } } });
  }, 120_000);
  afterAll(async () => {
    await robots?.close();
    await smtp?.close();
    await f?.cleanup();
    await t?.close();
  });

  it('a succeeded release sends what the rules say and nothing more; a mail server refusing or dead fails its deliveries, not the release', async () => {
    const dingBefore = robots.received.length;
    const mailBefore = smtp.messages.length;
    const { id } = await release(f.owner.token);
    expect((await waitForState(t, f.owner.token, id, ['failed', 'succeeded'])).state).toBe('succeeded');
    await settled(id);

    // The DingTalk rule is for failures only, and the owner has no subscription of their own.
    expect(robots.received.length).toBe(dingBefore);
    const mails = smtp.messages.slice(mailBefore);
    expect(mails.map((m) => m.subject)).toEqual(['【发布成功】sample-app / prod · main']);
    expect(mails[0]!.attachments.map((a) => a.filename)).toEqual([`release-${id}.log`]);

    const refused = await deliveriesOf(t, ch.badAuth);
    expect(refused.map((d) => [d.state, d.attempts])).toEqual([['failed', 3]]);
    expect(refused[0]!.lastError).toMatch(/535|auth/i);
    const dead = await deliveriesOf(t, ch.deadMail);
    expect(dead.map((d) => [d.state, d.attempts])).toEqual([['failed', 3]]);
    expect(dead[0]!.lastError).toMatch(/ECONNREFUSED|ECONNECTION/);
    expect((await t.db.release.findUniqueOrThrow({ where: { id } })).state).toBe('succeeded');
  });

  it('a failed release after a good one: rolled back, and within 10 s a signed DingTalk markdown with the failing host and log tail, and an e-mail with the log attached', async () => {
    const broken = path.join(f.hosts.hosts[1]!.deployRoot, 'app/shared/broken');
    writeFileSync(broken, '');
    // Only web-2 fails its health check, after the switch: the engine switches it back (auto-rollback).
    const command = 'if [ -f "$DEPLOY_PATH/shared/broken" ]; then echo "GET /health 503: address already in use" >&2; exit 1; fi; curl -fsS "http://127.0.0.1:$(cat "$DEPLOY_PATH/shared/port")/health"';
    const healthCheck = { type: 'command', command, retries: 1, intervalSeconds: 1, timeoutSeconds: 5 };
    expect((await t.call(f.owner.token, { method: 'PATCH', url: `/api/projects/${f.projectId}`, payload: { healthCheck } })).statusCode).toBe(200);
    try {
      const { id } = await release(f.owner.token);
      const failed = await waitForState(t, f.owner.token, id, ['failed', 'succeeded']);
      expect(failed.state).toBe('failed');
      const finishedAt = new Date(failed.finishedAt).getTime();

      await eventually(() => smtp.messages.some((m) => m.subject?.includes('发布失败')) && dingMessages().some((m) => m.markdown.title.includes('发布失败')), 'the DingTalk message and the e-mail', 10_000);
      expect(Date.now() - finishedAt).toBeLessThan(10_000);

      const ding = dingMessages().find((m) => m.markdown.title.includes('发布失败'))!;
      const query = new URL(ding.url, 'http://x').searchParams;
      expect(query.get('timestamp')).toMatch(/^\d{13}$/);
      expect(query.get('sign')).toBeTruthy();
      expect(ding.markdown.title).toBe('【发布失败，已自动回滚】sample-app / prod · main');
      expect(ding.markdown.text).toContain('web-2');
      expect(failed.targets.map((x: { serverName: string; state: string }) => `${x.serverName}:${x.state}`).sort()).toEqual(['web-1:rolled_back', 'web-2:rolled_back']);
      expect(ding.markdown.text).toContain('GET /health 503: address already in use');
      expect(ding.markdown.text).toContain(`${PUBLIC_URL}/releases/${id}`);
      const robotAnswers = robots.received.map((r) => (r.reply.body as { errcode: number }).errcode);
      expect(robotAnswers.every((code) => code === 0)).toBe(true);

      const mail = smtp.messages.find((m) => m.subject?.includes('发布失败'))!;
      expect(mail.subject).toBe('【发布失败，已自动回滚】sample-app / prod · main');
      expect(mail.text).toContain('web-2');
      expect(mail.html).toContain(`href="${PUBLIC_URL}/releases/${id}"`);
      const attachment = mail.attachments.find((a) => a.filename?.startsWith(`release-${id}.log`))!;
      const log = attachment.filename!.endsWith('.gz') ? gunzipSync(attachment.content).toString() : attachment.content.toString();
      expect(log).toContain('address already in use');
      expect(log).toContain('-- release.finished');
    } finally {
      rmSync(broken, { force: true });
    }
  });

  it('a release waiting for approval is mailed to the approvers, not its creator; the verdict goes to the creator', async () => {
    expect((await t.call(f.owner.token, { method: 'PATCH', url: `/api/environments/${f.environmentId}`, payload: { requireApproval: true } })).statusCode).toBe(200);
    await t.db.user.update({ where: { id: f.owner.id }, data: { notifyPrefs: { channelId: ch.mail, awaitingMyApproval: true } } });
    const mailBefore = smtp.messages.length;
    const dingBefore = robots.received.length;
    const { id, state } = await release(f.developer.token);
    expect(state).toBe('pending_approval');
    // The rule's request, and the owner's own subscription on a channel whose default recipients must not get it.
    await eventually(() => smtp.messages.length >= mailBefore + 2, 'the approval requests');
    const requests = smtp.messages.slice(mailBefore);
    const to = (m: (typeof requests)[number]) => [m.to].flat().flatMap((a) => a?.value.map((v) => v.address) ?? []);
    expect(requests.map((m) => [m.subject, to(m)])).toEqual([
      ['【待审批】sample-app / prod · main', ['owner@example.com']],
      ['【待审批】sample-app / prod · main', ['owner@example.com']],
    ]);

    // The developer's own subscription ("my releases", DingTalk by mobile) hears of it as well.
    await eventually(() => robots.received.length > dingBefore, 'the personal DingTalk message');
    const personal = dingMessages()[dingBefore]!;
    expect(personal.markdown.title).toBe('【待审批】sample-app / prod · main');
    expect(personal.at.atMobiles).toContain('13800000001');

    expect((await t.call(f.owner.token, { method: 'POST', url: `/api/releases/${id}/approve`, payload: { comment: 'LGTM' } })).statusCode).toBe(200);
    await eventually(() => smtp.messages.some((m) => m.subject === '【已批准】sample-app / prod · main'), 'the verdict');
    const verdict = smtp.messages.find((m) => m.subject === '【已批准】sample-app / prod · main')!;
    expect(to(verdict)).toEqual(['dev@example.com']);
    expect(verdict.text).toContain('LGTM');
    await waitForState(t, f.owner.token, id, ['succeeded', 'failed']);
  });

  it('attaches a large log gzipped, and none when even the gzip is over the limit', async () => {
    const { id, lastSeq } = await t.db.release.findFirstOrThrow({ where: { environmentId: f.environmentId, state: 'succeeded' }, orderBy: { createdAt: 'desc' } });
    const line = 'npm WARN deprecated some-package@1.0.0: this line repeats to make the log large'.padEnd(200, '.');
    const lines = Math.ceil(PLAIN_LOG_MAX / line.length) + 10;
    await t.db.releaseEvent.createMany({ data: Array.from({ length: lines }, (_, i) => ({ releaseId: id, seq: lastSeq + 1 + i, at: new Date(), type: 'log', stage: 'build', stream: 'stdout', text: `${i} ${line}` })) });
    const packed = (await logAttachment(t.db, id))!;
    expect(packed.filename).toBe(`release-${id}.log.gz`);
    const text = gunzipSync(packed.content).toString();
    expect(text.length).toBeGreaterThan(PLAIN_LOG_MAX);
    expect(text).toContain(`${lines - 1} npm WARN`);
    expect(await logAttachment(t.db, id, { plain: PLAIN_LOG_MAX, attached: Math.floor(packed.content.length / 2) })).toBeNull();
  });

  it('no response, log line or database row holds a channel secret, whatever the deliveries did', async () => {
    const admin = await t.createUser({ isAdmin: true });
    const texts = [...logLines];
    for (const url of ['/api/notification-channels?pageSize=100', '/api/notification-deliveries?pageSize=100', '/api/alert-rules?pageSize=100', ...Object.values(ch).map((id) => `/api/notification-channels/${id}`)]) {
      const response = await t.call(admin.token, { method: 'GET', url });
      expect(response.statusCode, url).toBe(200);
      texts.push(response.body);
    }
    expect(texts.join('\n')).toContain('"state":"failed"');
    const dump = execFileSync(pgDump(), ['--data-only', '--no-owner', t.database.url], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    for (const secret of [S.dingToken, S.dingSign, S.smtpPassword, 'not-the-password']) {
      for (const text of texts) expect(text.includes(secret), `a response or log line holds ${secret}`).toBe(false);
      expect(dump.includes(secret), `pg_dump holds ${secret}`).toBe(false);
    }
  });
});
