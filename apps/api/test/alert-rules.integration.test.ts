import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onOutbox } from '../src/channels.js';
import { buildTestApp, type TestApp, type TestUser } from './helpers/test-app.js';

const rand = () => Math.random().toString(36).slice(2, 10);
const ROLLOUT = { strategy: 'serial', concurrency: 1, batches: [], betweenBatches: { mode: 'manual' }, failure: { tolerate: 0 }, autoRollback: true };

interface Named {
  id: string;
  name: string;
}

describe('alert rules, the delivery log and personal notification preferences', () => {
  let t: TestApp;
  let admin: TestUser;
  let owner: TestUser;
  let developer: TestUser;
  let viewer: TestUser;
  let outsider: TestUser;
  let otherOwner: TestUser;
  let disabledMember: string;
  let group: Named;
  let other: Named;
  let project: Named;
  let environment: Named;
  let otherProject: Named;
  const ch = {} as Record<'hook' | 'ding' | 'mail' | 'globalMail' | 'globalHook' | 'foreign' | 'foreignMail', Named & { kind: string }>;

  const channel = async (groupId: string | null, kind: string, name: string) =>
    t.db.notificationChannel.create({
      data: { groupId, name, kind, settings: {}, secret: t.app.secrets.encrypt(JSON.stringify({ url: 'https://notify.invalid/hook' })) },
      select: { id: true, name: true, kind: true },
    });
  const makeProject = (groupId: string, name: string) => t.db.project.create({ data: { groupId, name, gitUrl: 'https://git.example.com/app.git', preset: 'shell' }, select: { id: true, name: true } });

  beforeAll(async () => {
    t = await buildTestApp();
    admin = await t.createUser({ isAdmin: true });
    group = await t.createGroup();
    other = await t.createGroup();
    owner = await t.createUser({ groupId: group.id, role: 'owner' });
    developer = await t.createUser({ groupId: group.id, role: 'developer' });
    viewer = await t.createUser({ groupId: group.id, role: 'viewer' });
    outsider = await t.createUser();
    otherOwner = await t.createUser({ groupId: other.id, role: 'owner' });
    disabledMember = (await t.createUser({ groupId: group.id, role: 'developer', disabled: true })).id;
    project = await makeProject(group.id, 'shop-api');
    environment = await t.db.environment.create({ data: { projectId: project.id, name: 'production', deployPath: '/srv/app', rollout: ROLLOUT }, select: { id: true, name: true } });
    otherProject = await makeProject(other.id, 'billing');
    ch.hook = await channel(group.id, 'webhook', 'a ops hook');
    ch.ding = await channel(group.id, 'dingtalk', 'b ops robot');
    ch.mail = await channel(group.id, 'email', 'c ops mail');
    ch.globalMail = await channel(null, 'email', 'd company mail');
    ch.globalHook = await channel(null, 'webhook', 'e company hook');
    ch.foreign = await channel(other.id, 'dingtalk', 'f billing robot');
    ch.foreignMail = await channel(other.id, 'email', 'g billing mail');
  });
  afterAll(async () => {
    await t?.close();
  });

  const call = (user: TestUser, method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, payload?: object) => t.call(user.token, { method, url, payload });
  const fieldOf = (response: { statusCode: number; json: () => { error: { details: { field: string }[] } } }) => {
    expect(response.statusCode).toBe(400);
    return response.json().error.details[0]?.field;
  };
  const ruleBody = (scope: object, extra: object = {}) => ({ name: `rule ${rand()}`, events: ['failed', 'succeeded'], channelIds: [ch.hook.id], ...scope, ...extra });

  describe('alert rules', () => {
    it('creates, lists, shows, changes and deletes rules at each scope, with an audit entry for each change', async () => {
      const byGroup = await call(owner, 'POST', '/api/alert-rules', {
        groupId: group.id,
        name: 'all failures',
        events: ['failed', 'service_down'],
        onlyFailures: true,
        environmentPattern: 'prod*',
        locale: 'en',
        channelIds: [ch.globalMail.id, ch.hook.id],
        recipients: { userIds: [developer.id], emails: ['ops@example.com'] },
      });
      expect(byGroup.statusCode).toBe(201);
      expect(byGroup.json()).toMatchObject({
        name: 'all failures',
        scope: { kind: 'group', groupId: group.id, projectId: null, environmentId: null, label: group.name },
        enabled: true,
        events: ['failed', 'service_down'],
        onlyFailures: true,
        environmentPattern: 'prod*',
        locale: 'en',
        channels: [
          { id: ch.hook.id, name: 'a ops hook', kind: 'webhook' },
          { id: ch.globalMail.id, name: 'd company mail', kind: 'email' },
        ],
        recipients: { users: [{ id: developer.id, username: developer.username, displayName: developer.username }], emails: ['ops@example.com'] },
      });
      const stored = await t.db.alertRule.findUniqueOrThrow({ where: { id: byGroup.json().id } });
      expect([stored.groupId, stored.projectId, stored.environmentId, stored.createdById]).toEqual([group.id, null, null, owner.id]);

      const byProject = await call(owner, 'POST', '/api/alert-rules', ruleBody({ projectId: project.id }, { name: 'project rule' }));
      expect(byProject.statusCode).toBe(201);
      expect(byProject.json()).toMatchObject({ scope: { kind: 'project', groupId: group.id, projectId: project.id, environmentId: null, label: `${group.name}/shop-api` }, locale: 'zh-CN', onlyFailures: false });
      const byEnvironment = await call(owner, 'POST', '/api/alert-rules', ruleBody({ environmentId: environment.id }, { name: 'production rule' }));
      expect(byEnvironment.statusCode).toBe(201);
      expect(byEnvironment.json().scope).toEqual({ kind: 'environment', groupId: group.id, projectId: project.id, environmentId: environment.id, label: `${group.name}/shop-api/production` });
      expect((await t.db.alertRule.findUniqueOrThrow({ where: { id: byEnvironment.json().id } })).groupId).toBeNull();
      const foreign = await t.db.alertRule.create({ data: { projectId: otherProject.id, name: 'billing rule', events: ['failed'] } });

      const names = async (user: TestUser, query = '') => ((await call(user, 'GET', `/api/alert-rules?pageSize=200${query}`)).json().items as Named[]).map((rule) => rule.name);
      expect(await names(viewer)).toEqual(['all failures', 'production rule', 'project rule']);
      expect(await names(viewer, `&groupId=${group.id}`)).toEqual(['all failures', 'production rule', 'project rule']);
      expect(await names(viewer, `&projectId=${project.id}`)).toEqual(['production rule', 'project rule']);
      expect(await names(viewer, `&environmentId=${environment.id}`)).toEqual(['production rule']);
      expect(await names(viewer, '&q=PROJECT')).toEqual(['project rule']);
      expect(await names(viewer, `&groupId=${other.id}`)).toEqual([]);
      expect(await names(outsider)).toEqual([]);
      expect(await names(admin, `&groupId=${other.id}`)).toEqual(['billing rule']);
      expect((await call(viewer, 'GET', `/api/alert-rules/${byEnvironment.json().id}`)).json().name).toBe('production rule');
      expect((await call(viewer, 'GET', `/api/alert-rules/${foreign.id}`)).statusCode).toBe(403);

      const id = byGroup.json().id as string;
      const changed = await call(owner, 'PATCH', `/api/alert-rules/${id}`, { enabled: false, channelIds: [ch.ding.id], recipients: { emails: [] }, environmentPattern: null });
      expect(changed.statusCode).toBe(200);
      expect(changed.json()).toMatchObject({
        enabled: false,
        environmentPattern: null,
        channels: [{ id: ch.ding.id, name: 'b ops robot', kind: 'dingtalk' }],
        recipients: { users: [{ id: developer.id }], emails: [] },
      });
      // A change that does not mention `enabled` leaves a disabled rule disabled.
      const renamed = await call(owner, 'PATCH', `/api/alert-rules/${id}`, { name: 'renamed' });
      expect(renamed.json()).toMatchObject({ name: 'renamed', enabled: false, events: ['failed', 'service_down'], scope: { kind: 'group' } });
      expect(await t.db.alertRuleChannel.findMany({ where: { ruleId: id }, select: { channelId: true } })).toEqual([{ channelId: ch.ding.id }]);

      expect((await call(developer, 'DELETE', `/api/alert-rules/${id}`)).statusCode).toBe(403);
      expect((await call(owner, 'DELETE', `/api/alert-rules/${id}`)).statusCode).toBe(204);
      expect(await t.db.alertRule.findUnique({ where: { id } })).toBeNull();
      expect((await call(admin, 'GET', `/api/alert-rules/${id}`)).statusCode).toBe(404);
      const actions = (await t.db.auditLog.findMany({ where: { resourceId: id }, orderBy: { id: 'asc' } })).map((entry) => entry.action);
      expect(actions).toEqual(['alert_rule.create', 'alert_rule.update', 'alert_rule.update', 'alert_rule.delete']);
    });

    it('refuses a bad rule with a 400 naming the field, and stores nothing', async () => {
      const existing = (await call(owner, 'POST', '/api/alert-rules', ruleBody({ groupId: group.id }))).json();
      const before = { rules: await t.db.alertRule.count(), links: await t.db.alertRuleChannel.count() };
      const create = (payload: object) => call(owner, 'POST', '/api/alert-rules', payload);

      expect(fieldOf(await create(ruleBody({})))).toBe('body.groupId');
      expect(fieldOf(await create(ruleBody({ groupId: group.id, projectId: project.id })))).toBe('body.projectId');
      expect(fieldOf(await create(ruleBody({ projectId: project.id, environmentId: environment.id })))).toBe('body.environmentId');
      expect(fieldOf(await create(ruleBody({ groupId: group.id }, { channelIds: [ch.hook.id, ch.foreign.id] })))).toBe('body.channelIds');
      expect(fieldOf(await create(ruleBody({ environmentId: environment.id }, { recipients: { userIds: [outsider.id] } })))).toBe('body.recipients.userIds');
      expect(fieldOf(await create(ruleBody({ groupId: group.id }, { recipients: { userIds: [disabledMember] } })))).toBe('body.recipients.userIds');
      expect(fieldOf(await create(ruleBody({ groupId: group.id }, { environmentPattern: 'prod env' })))).toBe('environmentPattern');
      expect(fieldOf(await create(ruleBody({ groupId: group.id }, { environmentPattern: '' })))).toBe('environmentPattern');
      expect(fieldOf(await create(ruleBody({ groupId: group.id }, { events: [] })))).toBe('events');
      expect(fieldOf(await create(ruleBody({ groupId: group.id }, { events: ['exploded'] })))).toBe('events.0');
      expect(fieldOf(await create(ruleBody({ groupId: group.id }, { channelIds: [] })))).toBe('channelIds');

      const patch = (payload: object) => call(owner, 'PATCH', `/api/alert-rules/${existing.id}`, payload);
      expect(fieldOf(await patch({ channelIds: [ch.foreign.id] }))).toBe('body.channelIds');
      expect(fieldOf(await patch({ name: 'x', recipients: { userIds: [otherOwner.id] } }))).toBe('body.recipients.userIds');
      expect(fieldOf(await patch({ groupId: other.id }))).toBe('groupId');
      expect(fieldOf(await patch({}))).toBe('body');

      expect({ rules: await t.db.alertRule.count(), links: await t.db.alertRuleChannel.count() }).toEqual(before);
      expect((await call(owner, 'GET', `/api/alert-rules/${existing.id}`)).json()).toEqual(existing);
    });

    it('lets only owners of the scope\'s group (and administrators) create; an unknown scope is 404 for administrators', async () => {
      const unknown = '00000000-0000-4000-8000-00000000dead';
      expect((await call(viewer, 'POST', '/api/alert-rules', ruleBody({ groupId: group.id }))).statusCode).toBe(403);
      expect((await call(developer, 'POST', '/api/alert-rules', ruleBody({ projectId: project.id }))).statusCode).toBe(403);
      expect((await call(otherOwner, 'POST', '/api/alert-rules', ruleBody({ environmentId: environment.id }))).statusCode).toBe(403);
      expect((await call(otherOwner, 'POST', '/api/alert-rules', ruleBody({ projectId: unknown }))).statusCode).toBe(403);
      expect((await call(admin, 'POST', '/api/alert-rules', ruleBody({ projectId: unknown }))).statusCode).toBe(404);
      expect((await call(admin, 'POST', '/api/alert-rules', ruleBody({ environmentId: unknown }))).statusCode).toBe(404);
      expect((await call(admin, 'POST', '/api/alert-rules', ruleBody({ groupId: unknown }))).statusCode).toBe(404);
      // Administrators meet the same scope check; the guard does not run it for them.
      expect(fieldOf(await call(admin, 'POST', '/api/alert-rules', ruleBody({ groupId: group.id, environmentId: environment.id })))).toBe('body.environmentId');
      expect((await call(admin, 'POST', '/api/alert-rules', ruleBody({ groupId: group.id }, { channelIds: [ch.globalHook.id] }))).statusCode).toBe(201);
    });
  });

  describe('the delivery log', () => {
    let release: string;
    let otherRelease: string;
    const ids = {} as Record<'releaseFailed' | 'serviceSent' | 'serviceGlobal' | 'foreign' | 'personal' | 'resendable', string>;

    const makeRelease = async (projectId: string, environmentId: string, ref: string) =>
      (
        await t.db.release.create({
          data: { projectId, environmentId, state: 'failed', ref, commit: 'a'.repeat(40), rollout: ROLLOUT, createdById: owner.id },
          select: { id: true },
        })
      ).id;
    const deliver = async (event: { type: string; releaseId?: string; subject?: object }, channelId: string, data: { state: string; userId?: string; attempts?: number; mergedIntoId?: bigint }) => {
      const row = await t.db.notificationEvent.create({ data: { type: event.type, releaseId: event.releaseId, subject: event.subject ?? {} } });
      const delivery = await t.db.notificationDelivery.create({
        data: { eventId: row.id, channelId, dedupeKey: `${row.id}:${channelId}:${rand()}`, mobiles: ['13800000000'], emails: [], nextAttemptAt: new Date(Date.now() + 3_600_000), ...data },
      });
      return delivery.id.toString();
    };

    beforeAll(async () => {
      release = await makeRelease(project.id, environment.id, 'release/2.4');
      const otherEnvironment = await t.db.environment.create({ data: { projectId: otherProject.id, name: 'staging', deployPath: '/srv/app', rollout: ROLLOUT } });
      otherRelease = await makeRelease(otherProject.id, otherEnvironment.id, 'main');
      // Through a global channel: the release's project makes it the group's.
      ids.releaseFailed = await deliver({ type: 'failed', releaseId: release }, ch.globalHook.id, { state: 'failed', attempts: 5 });
      ids.serviceSent = await deliver({ type: 'service_down', subject: { groupId: group.id, service: 'shop-api', server: 'web-05' } }, ch.hook.id, { state: 'sent' });
      // A service alarm through a global channel: the group it names makes it the group's.
      ids.serviceGlobal = await deliver({ type: 'service_recovered', subject: { groupId: group.id, service: 'shop-api', server: 'web-05' } }, ch.globalHook.id, { state: 'sent' });
      ids.foreign = await deliver({ type: 'failed', releaseId: otherRelease }, ch.foreign.id, { state: 'failed' });
      ids.personal = await deliver({ type: 'failed', releaseId: otherRelease }, ch.globalMail.id, { state: 'sent', userId: outsider.id });
      ids.resendable = await deliver({ type: 'succeeded', releaseId: release }, ch.hook.id, { state: 'uncertain', attempts: 3, mergedIntoId: 1n });
    });

    const listed = async (user: TestUser, query = '') => {
      const response = await call(user, 'GET', `/api/notification-deliveries?pageSize=200${query}`);
      expect(response.statusCode).toBe(200);
      return response.json().items as { id: string; state: string; event: { summary: string; releaseId: string | null }; user: { id: string } | null }[];
    };

    it('shows each delivery to its channel\'s group, its event\'s group and its user, newest first', async () => {
      expect((await listed(viewer)).map((d) => d.id)).toEqual([ids.resendable, ids.serviceGlobal, ids.serviceSent, ids.releaseFailed]);
      expect((await listed(otherOwner)).map((d) => d.id)).toEqual([ids.personal, ids.foreign]);
      expect((await listed(outsider)).map((d) => d.id)).toEqual([ids.personal]);
      expect((await listed(admin)).map((d) => d.id)).toEqual([ids.resendable, ids.personal, ids.foreign, ids.serviceGlobal, ids.serviceSent, ids.releaseFailed]);

      const [resendable, , serviceSent, releaseFailed] = await listed(developer);
      expect(releaseFailed).toMatchObject({
        state: 'failed',
        attempts: 5,
        event: { type: 'failed', releaseId: release, summary: 'shop-api / production · release/2.4' },
        channel: { id: ch.globalHook.id, name: 'e company hook', kind: 'webhook' },
        rule: null,
        user: null,
        recipients: { mobiles: ['13800000000'], emails: [] },
      });
      expect(serviceSent?.event).toMatchObject({ type: 'service_down', releaseId: null, summary: 'shop-api @ web-05' });
      expect(resendable).toMatchObject({ state: 'uncertain', mergedIntoId: '1' });
      expect((await listed(outsider))[0]?.user).toEqual({ id: outsider.id, username: outsider.username });
    });

    it('filters by state, channel and release', async () => {
      expect((await listed(developer, '&state=failed')).map((d) => d.id)).toEqual([ids.releaseFailed]);
      expect((await listed(developer, `&channelId=${ch.hook.id}`)).map((d) => d.id)).toEqual([ids.resendable, ids.serviceSent]);
      expect((await listed(developer, `&releaseId=${release}`)).map((d) => d.id)).toEqual([ids.resendable, ids.releaseFailed]);
      expect((await listed(developer, `&releaseId=${otherRelease}`)).map((d) => d.id)).toEqual([]);
      expect(fieldOf(await call(developer, 'GET', '/api/notification-deliveries?state=lost'))).toBe('state');
    });

    it('sends a failed or uncertain delivery again for an owner of the channel\'s group, waking the notifier; others are 409', async () => {
      let woken = 0;
      const stop = onOutbox(t.app.subscriber, () => (woken += 1));
      try {
        expect((await call(developer, 'POST', `/api/notification-deliveries/${ids.resendable}/resend`)).statusCode).toBe(403);
        // A global channel's delivery is the administrators' to send again.
        expect((await call(owner, 'POST', `/api/notification-deliveries/${ids.releaseFailed}/resend`)).statusCode).toBe(403);
        const resent = await call(owner, 'POST', `/api/notification-deliveries/${ids.resendable}/resend`);
        expect(resent.statusCode).toBe(200);
        expect(resent.json()).toMatchObject({ id: ids.resendable, state: 'pending', attempts: 0, mergedIntoId: null });
        const row = await t.db.notificationDelivery.findUniqueOrThrow({ where: { id: BigInt(ids.resendable) } });
        expect(row).toMatchObject({ state: 'pending', attempts: 0, mergedIntoId: null });
        expect(row.nextAttemptAt.getTime()).toBeLessThanOrEqual(Date.now());
        await expect.poll(() => woken).toBeGreaterThan(0);

        const again = await call(admin, 'POST', `/api/notification-deliveries/${ids.releaseFailed}/resend`);
        expect(again.json()).toMatchObject({ state: 'pending', attempts: 0 });

        const sent = await call(owner, 'POST', `/api/notification-deliveries/${ids.serviceSent}/resend`);
        expect(sent.statusCode).toBe(409);
        expect(sent.json().error.message).toContain('sent');
        expect((await call(owner, 'POST', `/api/notification-deliveries/${ids.resendable}/resend`)).statusCode).toBe(409);
        expect((await t.db.notificationDelivery.findUniqueOrThrow({ where: { id: BigInt(ids.serviceSent) } })).state).toBe('sent');
        expect((await call(admin, 'POST', '/api/notification-deliveries/999999999/resend')).statusCode).toBe(404);
        expect((await call(admin, 'POST', '/api/notification-deliveries/9999999999999999999/resend')).statusCode).toBe(404);
        expect((await call(owner, 'POST', '/api/notification-deliveries/9999999999999999999/resend')).statusCode).toBe(403);
        const audit = await t.db.auditLog.findMany({ where: { action: 'notification_delivery.resend' }, orderBy: { id: 'asc' } });
        expect(audit.map((entry) => [entry.resourceId, entry.actorId])).toEqual([
          [ids.resendable, owner.id],
          [ids.releaseFailed, admin.id],
        ]);
      } finally {
        stop();
      }
    });
  });

  describe('personal preferences', () => {
    const prefs = (user: TestUser) => call(user, 'GET', '/api/me/notification-preferences');
    const put = (user: TestUser, payload: object) => call(user, 'PUT', '/api/me/notification-preferences', payload);

    it('starts empty, merges each change into what is stored, and reads it back', async () => {
      const user = await t.createUser({ groupId: group.id, role: 'developer' });
      expect((await prefs(user)).json()).toEqual({ email: null, dingtalkMobile: null, channelId: null, myReleases: false, awaitingMyApproval: false, locale: 'zh-CN' });

      const saved = await put(user, { dingtalkMobile: '13800000000', channelId: ch.ding.id, myReleases: true, locale: 'en' });
      expect(saved.statusCode).toBe(200);
      const expected = { email: null, dingtalkMobile: '13800000000', channelId: ch.ding.id, myReleases: true, awaitingMyApproval: false, locale: 'en' };
      expect(saved.json()).toEqual(expected);
      expect((await prefs(user)).json()).toEqual(expected);
      expect((await put(user, { awaitingMyApproval: true })).json()).toEqual({ ...expected, awaitingMyApproval: true });
      const row = await t.db.user.findUniqueOrThrow({ where: { id: user.id } });
      expect(row.dingtalkMobile).toBe('13800000000');
      expect(row.notifyPrefs).toEqual({ channelId: ch.ding.id, myReleases: true, awaitingMyApproval: true, locale: 'en' });

      await t.db.user.update({ where: { id: user.id }, data: { email: 'dev@example.com' } });
      expect((await put(user, { channelId: ch.globalMail.id })).json()).toMatchObject({ email: 'dev@example.com', channelId: ch.globalMail.id, myReleases: true });
      expect((await put(user, { myReleases: false, awaitingMyApproval: false, channelId: null, dingtalkMobile: null })).json()).toEqual({
        email: 'dev@example.com',
        dingtalkMobile: null,
        channelId: null,
        myReleases: false,
        awaitingMyApproval: false,
        locale: 'en',
      });
    });

    it('refuses a channel the user may not pick, or a subscription that could not reach them, and keeps what was stored', async () => {
      const user = await t.createUser({ groupId: group.id, role: 'viewer' });
      expect((await put(user, { dingtalkMobile: '13900000000', channelId: ch.ding.id, myReleases: true })).statusCode).toBe(200);
      const stored = (await prefs(user)).json();

      expect(fieldOf(await put(user, { channelId: ch.foreign.id }))).toBe('body.channelId');
      expect(fieldOf(await put(user, { channelId: ch.hook.id }))).toBe('body.channelId');
      expect(fieldOf(await put(user, { channelId: '00000000-0000-4000-8000-00000000dead' }))).toBe('body.channelId');
      const noEmail = await put(user, { channelId: ch.mail.id });
      expect(fieldOf(noEmail)).toBe('body.channelId');
      expect(noEmail.json().error.message).toContain('no e-mail');
      expect(fieldOf(await put(user, { dingtalkMobile: null }))).toBe('body.dingtalkMobile');
      expect(fieldOf(await put(user, { channelId: null }))).toBe('body.channelId');
      expect(fieldOf(await put(user, { dingtalkMobile: 'call me' }))).toBe('dingtalkMobile');
      expect(fieldOf(await put(user, {}))).toBe('body');
      expect((await prefs(user)).json()).toEqual(stored);

      const newcomer = await t.createUser({ groupId: group.id, role: 'viewer' });
      expect(fieldOf(await put(newcomer, { awaitingMyApproval: true }))).toBe('body.channelId');
      expect(fieldOf(await put(newcomer, { channelId: ch.ding.id, awaitingMyApproval: true }))).toBe('body.dingtalkMobile');
      // Picking a channel without subscribing needs no address yet.
      expect((await put(newcomer, { channelId: ch.mail.id })).statusCode).toBe(200);
    });

    it('offers the e-mail and DingTalk channels of the user\'s groups and the global ones', async () => {
      const list = async (user: TestUser) => ((await call(user, 'GET', '/api/me/notification-channels')).json() as Named[]).map((c) => c.name);
      expect(await list(developer)).toEqual(['b ops robot', 'c ops mail', 'd company mail']);
      expect(await list(otherOwner)).toEqual(['d company mail', 'f billing robot', 'g billing mail']);
      expect(await list(outsider)).toEqual(['d company mail']);
      expect((await call(outsider, 'GET', '/api/me/notification-channels')).json()).toEqual([{ id: ch.globalMail.id, name: 'd company mail', kind: 'email', groupId: null }]);
    });
  });

  describe('message previews', () => {
    it('renders an event as each channel kind receives it', async () => {
      const preview = async (query: string) => {
        const response = await call(viewer, 'GET', `/api/notification-previews?${query}`);
        expect(response.statusCode).toBe(200);
        return response.json() as { kind: string; title: string; format: string; body: string };
      };
      const mail = await preview('kind=email&event=failed&locale=en');
      expect(mail).toMatchObject({ kind: 'email', format: 'html' });
      expect(mail.title).not.toBe('');
      expect(mail.body).toContain('<');
      const hook = await preview('kind=webhook&event=service_down');
      expect(hook.format).toBe('json');
      expect(() => JSON.parse(hook.body) as unknown).not.toThrow();
      expect((await preview('kind=dingtalk&event=succeeded')).format).toBe('markdown');
      expect(fieldOf(await call(viewer, 'GET', '/api/notification-previews?kind=pager&event=failed'))).toBe('kind');
    });
  });
});
