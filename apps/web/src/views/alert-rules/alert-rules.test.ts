import { describe, expect, it, vi } from 'vitest';
import { flushPromises, type VueWrapper } from '@vue/test-utils';
import type { AlertRule } from '@/api/alerts';
import { setLocale } from '@/locales';
import { adminUser, json, stubFetch } from '@/test/fetch-stub';
import { isolateViewTests, mountSignedIn } from '@/test/mount-view';
import { answerMessageBox, lastQuery, page, rowOf, settle } from '@/test/ui';
import RulesView from './index.vue';

const GROUP = '00000000-0000-4000-8000-0000000000a1';
const PROJECT = '00000000-0000-4000-8000-0000000000b1';
const ENV = '00000000-0000-4000-8000-0000000000c1';
const DING = '00000000-0000-4000-8000-0000000000d1';
const MAIL = '00000000-0000-4000-8000-0000000000d2';
const RULE = '00000000-0000-4000-8000-0000000000e1';
const ALICE = '00000000-0000-4000-8000-0000000000f1';
const BOB = '00000000-0000-4000-8000-0000000000f2';

const rule = (over: Partial<AlertRule> = {}): AlertRule => ({
  id: RULE,
  name: 'prod failures',
  scope: { kind: 'project', groupId: GROUP, projectId: PROJECT, environmentId: null, label: 'shop/shop-web' },
  enabled: true,
  events: ['failed', 'rolled_back'],
  onlyFailures: false,
  environmentPattern: 'prod*',
  locale: 'zh-CN',
  channels: [{ id: DING, name: 'ops robot', kind: 'dingtalk' }],
  recipients: { users: [{ id: ALICE, username: 'alice', displayName: 'Alice' }], emails: ['oncall@example.com'] },
  createdAt: '2026-11-23T10:00:00.000Z',
  updatedAt: '2026-11-23T10:00:00.000Z',
  ...over,
});

const channel = (id: string, name: string, kind: string, groupId: string | null) => ({
  id,
  groupId,
  name,
  kind,
  settings: {},
  secretHints: {},
  lastTest: { at: null, ok: null, answer: null },
  createdAt: '2026-11-23T10:00:00.000Z',
  updatedAt: '2026-11-23T10:00:00.000Z',
});

function routes(extra: Record<string, () => Response> = {}) {
  return {
    'GET /api/alert-rules': () => json(200, page([rule()])),
    'GET /api/groups': () => json(200, page([{ id: GROUP, name: 'shop' }])),
    'GET /api/projects': () => json(200, page([{ id: PROJECT, groupId: GROUP, name: 'shop-web' }])),
    [`GET /api/projects/${PROJECT}/environments`]: () => json(200, page([{ id: ENV, name: 'prod' }, { id: `${ENV.slice(0, -1)}2`, name: 'test' }])),
    // The group's channels, then the global ones: the query tells them apart.
    'GET /api/notification-channels': () => json(200, page([channel(DING, 'ops robot', 'dingtalk', GROUP), channel(MAIL, 'company mail', 'email', null)])),
    [`GET /api/groups/${GROUP}/members`]: () =>
      json(200, page([
        { userId: ALICE, username: 'alice', displayName: 'Alice', role: 'owner', createdAt: '2026-11-23T10:00:00.000Z' },
        { userId: BOB, username: 'bob', displayName: 'Bob', role: 'developer', createdAt: '2026-11-23T10:00:00.000Z' },
      ])),
    ...extra,
  };
}

isolateViewTests();

/** Opens a select of the dialog and clicks its option with this text (dropdowns are teleported to <body>). */
async function pick(wrapper: VueWrapper, testId: string, text: string): Promise<void> {
  await wrapper.get(`[data-testid="${testId}"] .el-select__wrapper`).trigger('click');
  await choose(text);
}

async function choose(text: string): Promise<void> {
  await vi.waitFor(async () => {
    await flushPromises();
    const option = [...document.querySelectorAll<HTMLElement>('.el-select-dropdown__item')].find((o) => o.textContent?.trim() === text);
    expect(option).toBeDefined();
    option?.click();
  });
  await settle();
}

/** Types an address into the tags input and takes the entry it offers for it, as a user adds one. */
async function addEmail(wrapper: VueWrapper, email: string): Promise<void> {
  await wrapper.get('[data-testid="rule-emails"] .el-select__wrapper').trigger('click');
  await wrapper.get('[data-testid="rule-emails"] input').setValue(email);
  await choose(email);
}

async function save(wrapper: VueWrapper, calls: { method: string }[], method: string): Promise<void> {
  await wrapper.get('[data-testid="rule-save"]').trigger('click');
  await vi.waitFor(async () => {
    await flushPromises();
    expect(calls.some((c) => c.method === method)).toBe(true);
  });
}

describe('alert rules view', () => {
  it('lists rules with their scope, events and channels, and filters by group', async () => {
    const calls = stubFetch(routes());
    const wrapper = await mountSignedIn(RulesView, `/alert-rules?group=${GROUP}`);

    expect(lastQuery(calls, '/api/alert-rules')).toEqual({ groupId: GROUP, page: '1', pageSize: '20' });
    const row = rowOf(wrapper, 'prod failures');
    expect(row.text()).toContain('shop/shop-web');
    expect(row.get('[data-testid="rule-row-events"]').text()).toContain('发布失败');
    expect(row.get('[data-testid="rule-row-events"]').text()).toContain('自动回滚');
    expect(row.text()).toContain('ops robot');
    expect(row.text()).toContain('prod*');
  });

  it('creates a rule on a project with exactly that one scope and the chosen events, channels and recipients', async () => {
    const calls = stubFetch(routes({ 'POST /api/alert-rules': () => json(201, rule()) }));
    const wrapper = await mountSignedIn(RulesView, `/alert-rules?group=${GROUP}`);

    await wrapper.get('[data-testid="rule-create"]').trigger('click');
    await settle();
    await pick(wrapper, 'rule-project', 'shop-web');
    await wrapper.get('[data-testid="rule-name"]').setValue('web alarms');
    await wrapper.get('[data-testid="rule-event-rolled_back"] input').setValue(false);
    await wrapper.get('[data-testid="rule-event-service_down"] input').setValue(true);
    await wrapper.get('[data-testid="rule-pattern"]').setValue('prod*');
    await wrapper.get('[data-testid="rule-locale"] input[value="en"]').setValue(true);
    await pick(wrapper, 'rule-channels', 'ops robot钉钉机器人');
    await pick(wrapper, 'rule-channels', 'company mail邮件');
    await pick(wrapper, 'rule-users', 'Bob (bob)');
    await addEmail(wrapper, 'oncall@example.com');
    await save(wrapper, calls, 'POST');

    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({
      projectId: PROJECT,
      name: 'web alarms',
      enabled: true,
      events: ['failed', 'service_down'],
      onlyFailures: false,
      environmentPattern: 'prod*',
      locale: 'en',
      channelIds: [DING, MAIL],
      recipients: { userIds: [BOB], emails: ['oncall@example.com'] },
    });
    // Channels of the rule's group and the global ones were offered.
    const channelQueries = calls.filter((c) => c.url.startsWith('/api/notification-channels')).map((c) => Object.fromEntries(new URL(c.url, 'http://localhost').searchParams));
    expect(channelQueries).toEqual(expect.arrayContaining([expect.objectContaining({ groupId: GROUP }), expect.objectContaining({ global: 'true' })]));
  });

  it('creates a rule on the whole group when no project is chosen', async () => {
    const calls = stubFetch(routes({ 'POST /api/alert-rules': () => json(201, rule()) }));
    const wrapper = await mountSignedIn(RulesView, `/alert-rules?group=${GROUP}`);

    await wrapper.get('[data-testid="rule-create"]').trigger('click');
    await settle();
    await wrapper.get('[data-testid="rule-name"]').setValue('everything');
    await pick(wrapper, 'rule-channels', 'ops robot钉钉机器人');
    await save(wrapper, calls, 'POST');

    const body = calls.find((c) => c.method === 'POST')?.body as Record<string, unknown>;
    expect(body).toMatchObject({ groupId: GROUP, events: ['failed', 'rolled_back'], channelIds: [DING], environmentPattern: null });
    expect(body).not.toHaveProperty('projectId');
    expect(body).not.toHaveProperty('environmentId');
  });

  it('edits a rule without sending its scope, which it shows fixed', async () => {
    const calls = stubFetch(routes({ [`PATCH /api/alert-rules/${RULE}`]: () => json(200, rule({ name: 'renamed' })) }));
    const wrapper = await mountSignedIn(RulesView, '/alert-rules');

    await rowOf(wrapper, 'prod failures').get('[data-testid="rule-edit"]').trigger('click');
    await settle();
    expect(wrapper.get('[data-testid="rule-scope-text"]').text()).toBe('shop/shop-web');
    expect(wrapper.find('[data-testid="rule-project"]').exists()).toBe(false);
    await wrapper.get('[data-testid="rule-name"]').setValue('renamed');
    await wrapper.get('[data-testid="rule-only-failures"]').trigger('click');
    await save(wrapper, calls, 'PATCH');

    expect(calls.find((c) => c.method === 'PATCH')?.body).toEqual({
      name: 'renamed',
      enabled: true,
      events: ['failed', 'rolled_back'],
      onlyFailures: true,
      environmentPattern: 'prod*',
      locale: 'zh-CN',
      channelIds: [DING],
      recipients: { userIds: [ALICE], emails: ['oncall@example.com'] },
    });
  });

  it('shows the API\'s refusal of a recipient under the e-mail field', async () => {
    const refusal = {
      error: {
        code: 'VALIDATION',
        message: 'body.recipients.emails.0: must match format "email"',
        details: [{ field: 'body.recipients.emails.0', message: 'must match format "email"' }],
      },
    };
    stubFetch(routes({ [`PATCH /api/alert-rules/${RULE}`]: () => json(400, refusal) }));
    const wrapper = await mountSignedIn(RulesView, '/alert-rules');

    await rowOf(wrapper, 'prod failures').get('[data-testid="rule-edit"]').trigger('click');
    await settle();
    await wrapper.get('[data-testid="rule-save"]').trigger('click');
    await vi.waitFor(async () => {
      await flushPromises();
      const item = wrapper.get('[data-testid="rule-emails"]').element.closest('.el-form-item');
      expect(item?.querySelector('.el-form-item__error')?.textContent).toContain('must match format "email"');
    });
  });

  it('deletes a rule after a confirmation that names it', async () => {
    const calls = stubFetch(routes({ [`DELETE /api/alert-rules/${RULE}`]: () => new Response(null, { status: 204 }) }));
    const wrapper = await mountSignedIn(RulesView, '/alert-rules');

    await rowOf(wrapper, 'prod failures').get('[data-testid="rule-delete"]').trigger('click');
    await vi.waitFor(() => expect(document.querySelector('.el-message-box')?.textContent).toContain('prod failures'));
    await answerMessageBox('ok');
    await vi.waitFor(async () => {
      await flushPromises();
      expect(calls.some((c) => c.method === 'DELETE')).toBe(true);
    });
  });

  it('turns a rule off from the list', async () => {
    const calls = stubFetch(routes({ [`PATCH /api/alert-rules/${RULE}`]: () => json(200, rule({ enabled: false })) }));
    const wrapper = await mountSignedIn(RulesView, '/alert-rules');

    await rowOf(wrapper, 'prod failures').get('[data-testid="rule-row-enabled"]').trigger('click');
    await vi.waitFor(async () => {
      await flushPromises();
      expect(calls.find((c) => c.method === 'PATCH')?.body).toEqual({ enabled: false });
    });
  });

  it('shows a developer the rules of the group without the means to change them', async () => {
    stubFetch(routes());
    const developer = { ...adminUser, isAdmin: false, memberships: [{ groupId: GROUP, groupName: 'shop', role: 'developer' as const }] };
    const wrapper = await mountSignedIn(RulesView, '/alert-rules', { user: developer });

    const row = rowOf(wrapper, 'prod failures');
    expect(row.text()).toContain('启用');
    expect(row.find('[data-testid="rule-row-enabled"]').exists()).toBe(false);
    expect(row.find('[data-testid="rule-edit"]').exists()).toBe(false);
    expect(wrapper.find('[data-testid="rule-create"]').exists()).toBe(false);
  });

  it('shows the list and the dialog in English with no Chinese and no raw keys', async () => {
    setLocale('en');
    stubFetch(routes());
    const wrapper = await mountSignedIn(RulesView, `/alert-rules?group=${GROUP}`);
    const readable = (text: string) => {
      expect(text).not.toMatch(/[\u4e00-\u9fff]/);
      expect(text).not.toMatch(/alertRules\.|notificationChannels\.|common\./);
    };
    readable(wrapper.text());
    expect(rowOf(wrapper, 'prod failures').text()).toContain('Auto-rolled back');

    await wrapper.get('[data-testid="rule-create"]').trigger('click');
    await settle();
    const dialog = wrapper.get('[data-testid="rule-dialog"]');
    readable(dialog.text());
    expect(dialog.text()).toContain('Created by webhook or trigger');
    expect(dialog.text()).toContain('Simplified Chinese');
  });
});
