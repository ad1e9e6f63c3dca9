import { describe, expect, it, vi } from 'vitest';
import { flushPromises } from '@vue/test-utils';
import type { NotificationDelivery } from '@/api/alerts';
import { setLocale } from '@/locales';
import { adminUser, json, stubFetch } from '@/test/fetch-stub';
import { isolateViewTests, mountSignedIn } from '@/test/mount-view';
import { answerMessageBox, lastQuery, page, requests, rowOf, settle } from '@/test/ui';
import DeliveriesView from './index.vue';

const RELEASE = '00000000-0000-4000-8000-0000000000a1';
const DING = '00000000-0000-4000-8000-0000000000d1';
const RULE = '00000000-0000-4000-8000-0000000000e1';
const GROUP = '00000000-0000-4000-8000-0000000000b1';

const delivery = (over: Partial<NotificationDelivery> = {}): NotificationDelivery => ({
  id: '41',
  state: 'sent',
  attempts: 1,
  nextAttemptAt: '2026-11-23T10:00:00.000Z',
  lastError: null,
  answer: '{"errcode":0,"errmsg":"ok"}',
  mergedIntoId: null,
  sentAt: '2026-11-23T10:00:01.000Z',
  createdAt: '2026-11-23T10:00:00.000Z',
  event: { id: '7', type: 'failed', releaseId: RELEASE, summary: 'shop-web / prod / main', at: '2026-11-23T10:00:00.000Z' },
  channel: { id: DING, name: 'ops robot', kind: 'dingtalk', groupId: GROUP },
  rule: { id: RULE, name: 'prod failures' },
  user: null,
  recipients: { mobiles: [], emails: [] },
  ...over,
});

const rows = [
  delivery({ id: '45', state: 'failed', attempts: 5, lastError: 'HTTP 500: busy' }),
  delivery({ id: '44', state: 'uncertain', rule: null, user: { id: RULE, username: 'alice' }, event: { id: '8', type: 'service_down', releaseId: null, summary: 'web-01 / shop-web', at: '2026-11-23T10:00:00.000Z' } }),
  delivery({ id: '43', state: 'pending', attempts: 2, nextAttemptAt: '2026-11-23T10:05:00.000Z' }),
  delivery({ id: '42', state: 'merged', mergedIntoId: '41' }),
  delivery({ id: '41' }),
];

function routes(extra: Record<string, () => Response> = {}) {
  return {
    'GET /api/notification-deliveries': () => json(200, page(rows)),
    'GET /api/notification-channels': () => json(200, page([])),
    ...extra,
  };
}

const rowById = (wrapper: Awaited<ReturnType<typeof mountSignedIn>>, state: string) =>
  wrapper.findAll('.el-table__body-wrapper .el-table__row').find((r) => r.find(`[data-testid="delivery-state-${state}"]`).exists());

isolateViewTests();

describe('notification delivery log', () => {
  it('shows each delivery\'s event, channel, rule and state, filtered by the release of the link', async () => {
    const calls = stubFetch(routes());
    const wrapper = await mountSignedIn(DeliveriesView, `/notification-deliveries?releaseId=${RELEASE}&state=failed`);

    expect(lastQuery(calls, '/api/notification-deliveries')).toEqual({ releaseId: RELEASE, state: 'failed', page: '1', pageSize: '20' });
    const failed = rowById(wrapper, 'failed');
    expect(failed?.text()).toContain('发布失败');
    expect(failed?.text()).toContain('shop-web / prod / main');
    expect(failed?.get('[data-testid="delivery-release-link"]').attributes('href')).toBe(`/releases/${RELEASE}`);
    expect(failed?.text()).toContain('钉钉机器人');
    expect(failed?.text()).toContain('prod failures');
    expect(rowById(wrapper, 'uncertain')?.text()).toContain('个人订阅（alice）');
    expect(rowById(wrapper, 'uncertain')?.find('[data-testid="delivery-release-link"]').exists()).toBe(false);
    expect(rowById(wrapper, 'merged')?.text()).toContain('已合并到 #41');
    expect(wrapper.get('[data-testid="delivery-filter-release"]').text()).toContain(RELEASE.slice(0, 8));

    await rowById(wrapper, 'uncertain')?.get('[data-testid="delivery-state-uncertain"]').trigger('mouseenter');
    await vi.waitFor(() => expect(document.body.textContent).toContain('系统不会自动重发'));
  });

  it('offers resend only for failed and uncertain deliveries', async () => {
    stubFetch(routes());
    const wrapper = await mountSignedIn(DeliveriesView, '/notification-deliveries');

    for (const state of ['failed', 'uncertain']) expect(rowById(wrapper, state)?.find('[data-testid="delivery-resend"]').exists()).toBe(true);
    for (const state of ['pending', 'merged', 'sent']) expect(rowById(wrapper, state)?.find('[data-testid="delivery-resend"]').exists()).toBe(false);
  });

  it('offers resend only to owners of the channel\'s group', async () => {
    stubFetch(routes());
    const otherOwner = '00000000-0000-4000-8000-0000000000ff';
    const viewer = {
      ...adminUser,
      isAdmin: false,
      memberships: [
        { groupId: GROUP, groupName: 'shop', role: 'viewer' as const },
        { groupId: otherOwner, groupName: 'other', role: 'owner' as const },
      ],
    };
    const wrapper = await mountSignedIn(DeliveriesView, '/notification-deliveries', { user: viewer });

    expect(rowById(wrapper, 'failed')?.text()).toContain('发布失败');
    expect(wrapper.find('[data-testid="delivery-resend"]').exists()).toBe(false);
  });

  it('resends a failed delivery only after the user confirms, then reloads', async () => {
    const calls = stubFetch(routes({ 'POST /api/notification-deliveries/45/resend': () => json(200, delivery({ id: '45', state: 'pending' })) }));
    const wrapper = await mountSignedIn(DeliveriesView, '/notification-deliveries');

    await rowById(wrapper, 'failed')?.get('[data-testid="delivery-resend"]').trigger('click');
    await vi.waitFor(() => expect(document.querySelector('.el-message-box')?.textContent).toContain('#45'));
    await answerMessageBox('cancel');
    expect(requests(calls, 'POST')).toHaveLength(0);

    const loads = calls.length;
    await rowById(wrapper, 'failed')?.get('[data-testid="delivery-resend"]').trigger('click');
    await answerMessageBox('ok');
    await vi.waitFor(async () => {
      await flushPromises();
      expect(requests(calls, 'POST').map((c) => c.url)).toEqual(['/api/notification-deliveries/45/resend']);
      expect(calls.slice(loads).some((c) => c.method === 'GET' && c.url.startsWith('/api/notification-deliveries'))).toBe(true);
    });
  });

  it('shows the last error and the remote answer in the unfolded row', async () => {
    stubFetch(routes());
    const wrapper = await mountSignedIn(DeliveriesView, '/notification-deliveries');

    await rowOf(wrapper, 'prod failures').get('.el-table__expand-icon').trigger('click');
    await settle();
    expect(wrapper.get('[data-testid="delivery-detail-45"]').text()).toContain('HTTP 500: busy');
    expect(wrapper.get('[data-testid="delivery-detail-45"]').text()).toContain('"errcode":0');
  });

  it('reads in English with no Chinese and no raw keys', async () => {
    setLocale('en');
    stubFetch(routes());
    const wrapper = await mountSignedIn(DeliveriesView, '/notification-deliveries');

    expect(wrapper.text()).not.toMatch(/[\u4e00-\u9fff]/);
    expect(wrapper.text()).not.toMatch(/notificationDeliveries\.|alertRules\.|common\./);
    expect(rowById(wrapper, 'uncertain')?.text()).toContain('Personal (alice)');
  });
});
