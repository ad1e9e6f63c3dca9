import { describe, expect, it, vi } from 'vitest';
import { flushPromises } from '@vue/test-utils';
import type { UserAccount } from '@/api/users';
import { adminUser, json, stubFetch } from '@/test/fetch-stub';
import { isolateViewTests, mountSignedIn } from '@/test/mount-view';
import UsersView from './index.vue';
import { answerMessageBox, page, requests, settle } from '@/test/ui';

const BOB = '00000000-0000-4000-8000-000000000b0b';

const account = (over: Partial<UserAccount> = {}): UserAccount => ({
  id: BOB,
  username: 'bob',
  displayName: 'Bob',
  email: 'bob@example.com',
  isAdmin: false,
  disabled: false,
  source: 'local',
  failedLogins: 0,
  lockedUntil: null,
  lastLoginAt: null,
  createdAt: '2026-11-20T08:00:00.000Z',
  memberships: [{ groupId: '00000000-0000-4000-8000-0000000000a1', groupName: 'payments', role: 'developer' }],
  ...over,
});

const me = account({ ...adminUser, disabled: false, lastLoginAt: '2026-11-23T01:00:00.000Z', createdAt: '2026-11-01T00:00:00.000Z' });

isolateViewTests();

describe('users view', () => {
  it('lists users with their groups and state, and sends the search term', async () => {
    const calls = stubFetch({ 'GET /api/users': () => json(200, page([me, account({ disabled: true })])) });
    const wrapper = await mountSignedIn(UsersView, '/users');

    expect(wrapper.text()).toContain('bob@example.com');
    expect(wrapper.text()).toContain('payments');
    expect(wrapper.text()).toContain('已禁用');
    expect(wrapper.text()).toContain('从未登录');
    // Nobody disables or deletes themselves (the API refuses it too).
    expect(wrapper.find('[data-testid="user-delete-admin"]').exists()).toBe(false);
    expect(wrapper.find('[data-testid="user-toggle-admin"]').exists()).toBe(false);
    expect(wrapper.find('[data-testid="user-delete-bob"]').exists()).toBe(true);

    await wrapper.get('[data-testid="user-search"]').setValue('bo');
    await wrapper.get('[data-testid="user-search"]').trigger('keyup', { key: 'Enter' });
    await settle();
    const last = calls.filter((c) => c.url.startsWith('/api/users')).at(-1);
    expect(Object.fromEntries(new URL(last?.url ?? '', 'http://localhost').searchParams)).toEqual({ page: '1', pageSize: '20', q: 'bo' });
  });

  it('refuses an invalid username or a short password without calling the API, then creates the user', async () => {
    const calls = stubFetch({
      'GET /api/users': () => json(200, page([me])),
      'POST /api/users': () => json(201, account()),
    });
    const wrapper = await mountSignedIn(UsersView, '/users');

    await wrapper.get('[data-testid="user-create"]').trigger('click');
    await settle();
    await wrapper.get('[data-testid="user-username"]').setValue('-bob');
    await wrapper.get('[data-testid="user-password"]').setValue('short');
    await wrapper.get('[data-testid="user-confirm-password"]').setValue('short');
    await wrapper.get('[data-testid="user-save"]').trigger('click');
    await vi.waitFor(async () => {
      await flushPromises();
      expect(wrapper.text()).toContain('用户名为 2–64 个字符');
      expect(wrapper.text()).toContain('密码长度为 10–72 个字符');
    });
    expect(requests(calls, 'POST')).toHaveLength(0);

    await wrapper.get('[data-testid="user-username"]').setValue('bob');
    await wrapper.get('[data-testid="user-display-name"]').setValue('Bob');
    await wrapper.get('[data-testid="user-email"]').setValue('bob@example.com');
    await wrapper.get('[data-testid="user-password"]').setValue('correct horse 7');
    await wrapper.get('[data-testid="user-confirm-password"]').setValue('correct horse 7');
    await wrapper.get('[data-testid="user-save"]').trigger('click');
    await vi.waitFor(async () => {
      await flushPromises();
      expect(requests(calls, 'POST')).toHaveLength(1);
    });
    expect(requests(calls, 'POST')[0]?.body).toEqual({
      username: 'bob',
      displayName: 'Bob',
      email: 'bob@example.com',
      password: 'correct horse 7',
      isAdmin: false,
    });
  });

  it('saves only the fields an edit changed', async () => {
    const calls = stubFetch({
      'GET /api/users': () => json(200, page([account()])),
      [`PATCH /api/users/${BOB}`]: () => json(200, account({ email: null })),
    });
    const wrapper = await mountSignedIn(UsersView, '/users');

    await wrapper.get('[data-testid="user-edit-bob"]').trigger('click');
    await settle();
    await wrapper.get('[data-testid="user-email"]').setValue('');
    await wrapper.get('[data-testid="user-save"]').trigger('click');
    await vi.waitFor(async () => {
      await flushPromises();
      expect(requests(calls, 'PATCH')).toHaveLength(1);
    });
    expect(requests(calls, 'PATCH')[0]?.body).toEqual({ email: null });
  });

  it('resets a password only when both entries match', async () => {
    const calls = stubFetch({
      'GET /api/users': () => json(200, page([account()])),
      [`PATCH /api/users/${BOB}`]: () => json(200, account()),
    });
    const wrapper = await mountSignedIn(UsersView, '/users');

    await wrapper.get('[data-testid="user-reset-bob"]').trigger('click');
    await settle();
    await wrapper.get('[data-testid="reset-password"]').setValue('new secret 1');
    await wrapper.get('[data-testid="reset-confirm"]').setValue('new secret 2');
    await wrapper.get('[data-testid="reset-save"]').trigger('click');
    await vi.waitFor(async () => {
      await flushPromises();
      expect(wrapper.text()).toContain('两次输入的密码不一致');
    });
    expect(requests(calls, 'PATCH')).toHaveLength(0);

    await wrapper.get('[data-testid="reset-confirm"]').setValue('new secret 1');
    await wrapper.get('[data-testid="reset-save"]').trigger('click');
    await vi.waitFor(async () => {
      await flushPromises();
      expect(requests(calls, 'PATCH')).toHaveLength(1);
    });
    expect(requests(calls, 'PATCH')[0]?.body).toEqual({ password: 'new secret 1' });
  });

  it('deletes and disables a user only after confirmation', async () => {
    const calls = stubFetch({
      'GET /api/users': () => json(200, page([account()])),
      [`DELETE /api/users/${BOB}`]: () => new Response(null, { status: 204 }),
      [`PATCH /api/users/${BOB}`]: () => json(200, account({ disabled: true })),
    });
    const wrapper = await mountSignedIn(UsersView, '/users');

    await wrapper.get('[data-testid="user-delete-bob"]').trigger('click');
    await answerMessageBox('cancel');
    expect(requests(calls, 'DELETE')).toHaveLength(0);
    await wrapper.get('[data-testid="user-delete-bob"]').trigger('click');
    await answerMessageBox('ok');
    await vi.waitFor(() => expect(requests(calls, 'DELETE')).toHaveLength(1));

    await wrapper.get('[data-testid="user-toggle-bob"]').trigger('click');
    await answerMessageBox('ok');
    await vi.waitFor(() => expect(requests(calls, 'PATCH')).toHaveLength(1));
    expect(requests(calls, 'PATCH')[0]?.body).toEqual({ disabled: true });
  });

  it('checks the password policy before sending: two character classes, not the username', async () => {
    const calls = stubFetch({ 'GET /api/users': () => json(200, page([me])) });
    const wrapper = await mountSignedIn(UsersView, '/users');

    await wrapper.get('[data-testid="user-create"]').trigger('click');
    await settle();
    await wrapper.get('[data-testid="user-username"]').setValue('carol');
    for (const [password, message] of [
      ['          ', '至少包含小写字母、大写字母、数字、符号中的两类'],
      ['abcdefghijkl', '至少包含小写字母、大写字母、数字、符号中的两类'],
      ['I-am-Carol-42', '密码不能包含用户名'],
    ] as const) {
      await wrapper.get('[data-testid="user-password"]').setValue(password);
      await wrapper.get('[data-testid="user-confirm-password"]').setValue(password);
      await wrapper.get('[data-testid="user-save"]').trigger('click');
      await vi.waitFor(async () => {
        await flushPromises();
        expect(wrapper.text()).toContain(message);
      });
    }
    expect(requests(calls, 'POST')).toHaveLength(0);
  });

  it('marks directory accounts, offers no password reset for them, and unlocks a locked account after confirmation', async () => {
    const lockedUntil = new Date(Date.now() + 10 * 60_000).toISOString();
    const carol = account({ id: '00000000-0000-4000-8000-0000000000c0', username: 'carol', source: 'ldap' });
    const calls = stubFetch({
      'GET /api/users': () => json(200, page([account({ lockedUntil }), carol])),
      [`POST /api/users/${BOB}/unlock`]: () => json(200, account()),
    });
    const wrapper = await mountSignedIn(UsersView, '/users');

    expect(wrapper.find('[data-testid="user-ldap-carol"]').exists()).toBe(true);
    expect(wrapper.find('[data-testid="user-ldap-bob"]').exists()).toBe(false);
    expect(wrapper.find('[data-testid="user-reset-carol"]').exists()).toBe(false);
    expect(wrapper.find('[data-testid="user-unlock-carol"]').exists()).toBe(false);
    expect(wrapper.text()).toContain('已锁定');

    await wrapper.get('[data-testid="user-unlock-bob"]').trigger('click');
    await answerMessageBox('cancel');
    expect(requests(calls, 'POST')).toHaveLength(0);
    await wrapper.get('[data-testid="user-unlock-bob"]').trigger('click');
    await answerMessageBox('ok');
    await vi.waitFor(() => expect(requests(calls, 'POST')).toHaveLength(1));
  });

  it('fits every column, last login included, beside the menu of a 1366-px screen with none pinned over another', async () => {
    stubFetch({ 'GET /api/users': () => json(200, page([me, account()])) });
    const wrapper = await mountSignedIn(UsersView, '/users');
    await settle();

    const widths = wrapper.findAll('.el-table__header colgroup col').map((c) => Number(c.attributes('width')));
    const headers = wrapper.findAll('.el-table__header th').map((th) => th.text());
    expect(headers).toContain('最近登录');
    // 1366 px less the 220-px menu, the page's and the card's padding.
    expect(widths.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(1040);
    expect(wrapper.find('.el-table-fixed-column--right').exists()).toBe(false);
  });
});
