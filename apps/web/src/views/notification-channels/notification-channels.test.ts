import { describe, expect, it, vi } from 'vitest';
import { flushPromises } from '@vue/test-utils';
import type { NotificationChannel } from '@/api/notification-channels';
import { setLocale } from '@/locales';
import { json, stubFetch } from '@/test/fetch-stub';
import { isolateViewTests, mountSignedIn } from '@/test/mount-view';
import ChannelsView from './index.vue';
import { lastQuery, page, rowOf, settle } from '@/test/ui';

const GROUP = '00000000-0000-4000-8000-0000000000a1';
const DING = '00000000-0000-4000-8000-0000000000d1';
const MAIL = '00000000-0000-4000-8000-0000000000d2';

const channel = (over: Partial<NotificationChannel> = {}): NotificationChannel => ({
  id: DING,
  groupId: GROUP,
  name: 'ops robot',
  kind: 'dingtalk',
  settings: { keyword: 'deploy' },
  secretHints: { webhookUrl: 'https://oapi.dingtalk.com/…', signSecret: '******' },
  lastTest: { at: null, ok: null, answer: null },
  createdAt: '2026-11-23T10:00:00.000Z',
  updatedAt: '2026-11-23T10:00:00.000Z',
  ...over,
});

const mail = channel({
  id: MAIL,
  groupId: null,
  name: 'mail',
  kind: 'email',
  settings: { host: 'smtp.example.com', port: 465, security: 'tls', from: 'release@example.com' },
  secretHints: { password: '******' },
  lastTest: { at: '2026-11-23T11:00:00.000Z', ok: false, answer: 'EAUTH: Invalid login: 535 Authentication failed' },
});

function routes(extra: Record<string, () => Response> = {}) {
  return {
    'GET /api/notification-channels': () => json(200, page([channel(), mail])),
    'GET /api/groups': () => json(200, page([{ id: GROUP, name: 'shop' }])),
    ...extra,
  };
}

isolateViewTests();

describe('notification channels view', () => {
  it('lists channels with kind, target and last test answer, and sends the kind filter', async () => {
    const calls = stubFetch(routes());
    const wrapper = await mountSignedIn(ChannelsView, '/notification-channels?kind=dingtalk');

    expect(lastQuery(calls, '/api/notification-channels')).toEqual({ kind: 'dingtalk', page: '1', pageSize: '20' });
    expect(rowOf(wrapper, 'ops robot').text()).toContain('钉钉机器人');
    expect(rowOf(wrapper, 'ops robot').text()).toContain('https://oapi.dingtalk.com/…');
    expect(rowOf(wrapper, 'ops robot').text()).toContain('未测试');
    expect(rowOf(wrapper, 'mail').text()).toContain('全局');
    expect(rowOf(wrapper, 'mail').text()).toContain('smtp.example.com:465');
    expect(rowOf(wrapper, 'mail').text()).toContain('535 Authentication failed');
  });

  it('sends a test message and shows the remote answer in place', async () => {
    const answer = 'HTTP 200: {"errcode":0,"errmsg":"ok"}';
    const calls = stubFetch(routes({ [`POST /api/notification-channels/${DING}/test`]: () => json(200, { ok: true, answer, at: '2026-11-23T12:00:00.000Z' }) }));
    const wrapper = await mountSignedIn(ChannelsView, '/notification-channels');

    await rowOf(wrapper, 'ops robot').get('[data-testid="channel-test"]').trigger('click');
    await vi.waitFor(async () => {
      await flushPromises();
      expect(rowOf(wrapper, 'ops robot').text()).toContain(answer);
    });
    expect(calls.some((c) => c.method === 'POST' && c.url.endsWith('/test'))).toBe(true);
    expect(rowOf(wrapper, 'ops robot').get('[data-testid="channel-test-result"]').text()).toBe('成功');
  });

  it('creates a DingTalk channel with its settings and secret parts', async () => {
    const calls = stubFetch(routes({ 'POST /api/notification-channels': () => json(201, channel()) }));
    const wrapper = await mountSignedIn(ChannelsView, `/notification-channels?group=${GROUP}`);

    await wrapper.get('[data-testid="channel-create"]').trigger('click');
    await settle();
    await wrapper.get('[data-testid="channel-name"]').setValue('ops robot');
    await wrapper.get('[data-testid="channel-keyword"]').setValue('deploy');
    await wrapper.get('[data-testid="channel-at-mobiles"]').setValue('13800000000, 13900000000');
    await wrapper.get('[data-testid="channel-secret-webhookUrl"]').setValue('https://oapi.dingtalk.com/robot/send?access_token=abc');
    await wrapper.get('[data-testid="channel-secret-signSecret"]').setValue('SEC123');
    await wrapper.get('[data-testid="channel-save"]').trigger('click');

    await vi.waitFor(async () => {
      await flushPromises();
      expect(calls.some((c) => c.method === 'POST')).toBe(true);
    });
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({
      groupId: GROUP,
      name: 'ops robot',
      kind: 'dingtalk',
      settings: { keyword: 'deploy', atMobiles: ['13800000000', '13900000000'] },
      secret: { webhookUrl: 'https://oapi.dingtalk.com/robot/send?access_token=abc', signSecret: 'SEC123' },
    });
  });

  it('edits without resending the secret when its fields stay empty', async () => {
    const calls = stubFetch(routes({ [`PATCH /api/notification-channels/${DING}`]: () => json(200, channel({ name: 'renamed' })) }));
    const wrapper = await mountSignedIn(ChannelsView, '/notification-channels');

    await rowOf(wrapper, 'ops robot').get('[data-testid="channel-edit"]').trigger('click');
    await settle();
    expect(wrapper.get('[data-testid="channel-dialog"]').text()).toContain('留空则保留当前的值');
    await wrapper.get('[data-testid="channel-name"]').setValue('renamed');
    await wrapper.get('[data-testid="channel-save"]').trigger('click');

    await vi.waitFor(async () => {
      await flushPromises();
      expect(calls.some((c) => c.method === 'PATCH')).toBe(true);
    });
    expect(calls.find((c) => c.method === 'PATCH')?.body).toEqual({ name: 'renamed', settings: { keyword: 'deploy' }, secret: {} });
  });

  it('shows the list and every kind\'s dialog in English with no Chinese and no raw keys', async () => {
    setLocale('en');
    const others = [
      channel({ id: '00000000-0000-4000-8000-0000000000d3', name: 'wecom', kind: 'wecom', settings: {}, secretHints: { webhookUrl: 'https://qyapi.weixin.qq.com/…' } }),
      channel({ id: '00000000-0000-4000-8000-0000000000d4', name: 'feishu', kind: 'feishu', settings: {}, secretHints: { webhookUrl: 'https://open.feishu.cn/…' } }),
      channel({ id: '00000000-0000-4000-8000-0000000000d5', name: 'hook', kind: 'webhook', settings: {}, secretHints: { url: 'https://tools.example.com/…', hmacSecret: '******' } }),
    ];
    stubFetch(routes({ 'GET /api/notification-channels': () => json(200, page([channel(), mail, ...others])) }));
    const wrapper = await mountSignedIn(ChannelsView, '/notification-channels');
    const readable = (text: string) => {
      expect(text).not.toMatch(/[\u4e00-\u9fff]/);
      expect(text).not.toMatch(/notificationChannels\.|common\./);
    };
    readable(wrapper.text());
    expect(rowOf(wrapper, 'ops robot').text()).toContain('DingTalk robot');

    const labels: Record<string, string> = { 'ops robot': 'Custom keyword', mail: 'SMTP server', wecom: 'Webhook URL', feishu: 'Signing secret', hook: 'URL' };
    for (const [name, label] of Object.entries(labels)) {
      await rowOf(wrapper, name).get('[data-testid="channel-edit"]').trigger('click');
      await settle();
      const dialog = wrapper.get('[data-testid="channel-dialog"]');
      readable(dialog.text());
      expect(dialog.text()).toContain('Leave empty to keep the current value.');
      expect(dialog.text()).toContain(label);
      await dialog.findAll('button').find((b) => b.text() === 'Cancel')?.trigger('click');
      await settle();
    }
  });
});
