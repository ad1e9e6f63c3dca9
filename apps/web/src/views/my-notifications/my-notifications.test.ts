import { describe, expect, it, vi } from 'vitest';
import { flushPromises } from '@vue/test-utils';
import type { NotificationPreferences } from '@/api/alerts';
import { setLocale } from '@/locales';
import { json, stubFetch } from '@/test/fetch-stub';
import { isolateViewTests, mountSignedIn } from '@/test/mount-view';
import { requests, settle } from '@/test/ui';
import MyNotificationsView from './index.vue';

const DING = '00000000-0000-4000-8000-0000000000d1';
const MAIL = '00000000-0000-4000-8000-0000000000d2';

const prefs = (over: Partial<NotificationPreferences> = {}): NotificationPreferences => ({
  email: 'alice@example.com',
  dingtalkMobile: null,
  channelId: MAIL,
  myReleases: true,
  awaitingMyApproval: false,
  locale: 'zh-CN',
  ...over,
});

function routes(put: () => Response = () => json(200, prefs())) {
  return {
    'GET /api/me/notification-preferences': () => json(200, prefs()),
    'GET /api/me/notification-channels': () =>
      json(200, [
        { id: DING, name: 'ops robot', kind: 'dingtalk', groupId: '00000000-0000-4000-8000-0000000000a1' },
        { id: MAIL, name: 'company mail', kind: 'email', groupId: null },
      ]),
    'PUT /api/me/notification-preferences': put,
  };
}

isolateViewTests();

describe('my notification settings', () => {
  it('shows the profile e-mail read-only and saves only what was changed', async () => {
    const calls = stubFetch(routes(() => json(200, prefs({ dingtalkMobile: '13800000000', awaitingMyApproval: true }))));
    const wrapper = await mountSignedIn(MyNotificationsView, '/my-notifications');

    expect(wrapper.get('[data-testid="prefs-email"]').text()).toBe('alice@example.com');
    expect(wrapper.find('[data-testid="prefs-email"] input').exists()).toBe(false);
    expect(wrapper.get('[data-testid="prefs-save"]').attributes('disabled')).toBeDefined();

    await wrapper.get('[data-testid="prefs-mobile"]').setValue('13800000000');
    await wrapper.get('[data-testid="prefs-awaiting-approval"]').trigger('click');
    await settle();
    await wrapper.get('[data-testid="prefs-save"]').trigger('click');

    await vi.waitFor(async () => {
      await flushPromises();
      expect(requests(calls, 'PUT')).toHaveLength(1);
    });
    expect(requests(calls, 'PUT')[0]?.body).toEqual({ dingtalkMobile: '13800000000', awaitingMyApproval: true });
    await settle();
    expect(wrapper.get('[data-testid="prefs-save"]').attributes('disabled')).toBeDefined();
  });

  it('refuses a malformed mobile before sending', async () => {
    const calls = stubFetch(routes());
    const wrapper = await mountSignedIn(MyNotificationsView, '/my-notifications');

    await wrapper.get('[data-testid="prefs-mobile"]').setValue('call me');
    await wrapper.get('[data-testid="prefs-save"]').trigger('click');
    await vi.waitFor(async () => {
      await flushPromises();
      expect(wrapper.text()).toContain('请输入有效的手机号');
    });
    expect(requests(calls, 'PUT')).toHaveLength(0);
  });

  it('reads in English with no Chinese and no raw keys', async () => {
    setLocale('en');
    stubFetch(routes());
    const wrapper = await mountSignedIn(MyNotificationsView, '/my-notifications');

    expect(wrapper.text()).not.toMatch(/[\u4e00-\u9fff]/);
    expect(wrapper.text()).not.toMatch(/myNotifications\.|alertRules\.|common\./);
    expect(wrapper.text()).toContain('Waiting for my approval');
  });
});
