import { describe, expect, it, vi } from 'vitest';
import { flushPromises, type VueWrapper } from '@vue/test-utils';
import type { Group, Member } from '@/api/groups';
import { useAuthStore } from '@/stores/auth';
import { adminUser, json, stubFetch } from '@/test/fetch-stub';
import { isolateViewTests, mountSignedIn } from '@/test/mount-view';
import GroupsView from './index.vue';
import { answerMessageBox, page, requests, settle } from '@/test/ui';

const GROUP = '00000000-0000-4000-8000-0000000000a1';
const ALICE = '00000000-0000-4000-8000-00000000a11c';
const BOB = '00000000-0000-4000-8000-000000000b0b';

const group = (over: Partial<Group> = {}): Group => ({
  id: GROUP,
  name: 'payments',
  description: '支付中心',
  memberCount: 2,
  myRole: null,
  archivedAt: null,
  createdAt: '2026-11-20T08:00:00.000Z',
  updatedAt: '2026-11-20T08:00:00.000Z',
  ...over,
});

const member = (over: Partial<Member> = {}): Member => ({
  userId: ALICE,
  username: 'alice',
  displayName: 'Alice',
  role: 'owner',
  createdAt: '2026-11-20T08:00:00.000Z',
  ...over,
});

isolateViewTests();

async function signInAs(wrapper: VueWrapper, isAdmin: boolean, role: Member['role'] | null) {
  useAuthStore().user = {
    ...adminUser,
    id: ALICE,
    username: 'alice',
    isAdmin,
    memberships: role ? [{ groupId: GROUP, groupName: 'payments', role }] : [],
  };
  await flushPromises();
  return wrapper;
}

describe('groups view', () => {
  it('sends the search term and lists the groups', async () => {
    const calls = stubFetch({ 'GET /api/groups': () => json(200, page([group()])) });
    const wrapper = await mountSignedIn(GroupsView, '/groups');
    expect(wrapper.text()).toContain('payments');
    expect(wrapper.text()).toContain('支付中心');

    await wrapper.get('[data-testid="group-search"]').setValue('pay');
    await wrapper.get('[data-testid="group-search"]').trigger('keyup', { key: 'Enter' });
    await settle();

    const last = calls.filter((c) => c.url.startsWith('/api/groups')).at(-1);
    expect(new URL(last?.url ?? '', 'http://localhost').searchParams.get('q')).toBe('pay');
  });

  it('refuses an empty name without calling the API, then creates the group', async () => {
    const calls = stubFetch({
      'GET /api/groups': () => json(200, page([])),
      'POST /api/groups': (req) => json(201, group({ name: (req.body as { name: string }).name })),
    });
    const wrapper = await mountSignedIn(GroupsView, '/groups');

    await wrapper.get('[data-testid="group-create"]').trigger('click');
    await settle();
    await wrapper.get('[data-testid="group-save"]').trigger('click');
    await vi.waitFor(async () => {
      await flushPromises();
      expect(wrapper.text()).toContain('请输入分组名称');
    });
    expect(requests(calls, 'POST')).toHaveLength(0);

    await wrapper.get('[data-testid="group-name"]').setValue('payments');
    await wrapper.get('[data-testid="group-description"]').setValue('支付中心');
    await wrapper.get('[data-testid="group-save"]').trigger('click');
    await vi.waitFor(async () => {
      await flushPromises();
      expect(requests(calls, 'POST')).toHaveLength(1);
    });
    expect(requests(calls, 'POST')[0]?.body).toEqual({ name: 'payments', description: '支付中心' });
  });

  it('deletes a group only after its name is typed in the confirmation', async () => {
    const calls = stubFetch({
      'GET /api/groups': () => json(200, page([group()])),
      [`DELETE /api/groups/${GROUP}`]: () => new Response(null, { status: 204 }),
    });
    const wrapper = await mountSignedIn(GroupsView, '/groups');

    await wrapper.get('[data-testid="group-delete-payments"]').trigger('click');
    await answerMessageBox('cancel');
    expect(requests(calls, 'DELETE')).toHaveLength(0);

    await wrapper.get('[data-testid="group-delete-payments"]').trigger('click');
    await answerMessageBox('ok', 'payments');
    await vi.waitFor(() => expect(requests(calls, 'DELETE')).toHaveLength(1));
  });

  it('shows a viewer the members but none of the actions', async () => {
    stubFetch({
      'GET /api/groups': () => json(200, page([group({ myRole: 'viewer' })])),
      [`GET /api/groups/${GROUP}/members`]: () => json(200, page([member(), member({ userId: BOB, username: 'bob', displayName: 'Bob', role: 'viewer' })])),
    });
    const wrapper = await signInAs(await mountSignedIn(GroupsView, '/groups'), false, 'viewer');

    expect(wrapper.find('[data-testid="group-create"]').exists()).toBe(false);
    expect(wrapper.find('[data-testid="group-edit-payments"]').exists()).toBe(false);
    expect(wrapper.find('[data-testid="group-delete-payments"]').exists()).toBe(false);

    await wrapper.get('[data-testid="group-members-payments"]').trigger('click');
    await settle();
    const drawer = document.querySelector('[data-testid="members-drawer"]');
    expect(drawer?.textContent).toContain('bob');
    expect(drawer?.textContent).toContain('只有分组负责人和管理员可以管理成员');
    expect(document.querySelector('[data-testid="member-add"]')).toBeNull();
    expect(document.querySelector('[data-testid="member-remove-bob"]')).toBeNull();
  });

  it('lets an owner add a member by ID and remove one after confirming', async () => {
    let members = [member()];
    const calls = stubFetch({
      'GET /api/groups': () => json(200, page([group({ myRole: 'owner' })])),
      [`GET /api/groups/${GROUP}/members`]: () => json(200, page(members)),
      [`PUT /api/groups/${GROUP}/members/${BOB}`]: (req) => {
        const added = member({ userId: BOB, username: 'bob', displayName: 'Bob', role: (req.body as { role: Member['role'] }).role });
        members = [...members, added];
        return json(200, added);
      },
      [`DELETE /api/groups/${GROUP}/members/${BOB}`]: () => {
        members = members.filter((m) => m.userId !== BOB);
        return new Response(null, { status: 204 });
      },
    });
    const wrapper = await signInAs(await mountSignedIn(GroupsView, '/groups'), false, 'owner');
    expect(wrapper.find('[data-testid="group-edit-payments"]').exists()).toBe(true);
    expect(wrapper.find('[data-testid="group-delete-payments"]').exists()).toBe(false);

    await wrapper.get('[data-testid="group-members-payments"]').trigger('click');
    await settle();
    document.querySelector<HTMLButtonElement>('[data-testid="member-add"]')?.click();
    await settle();

    // A member cannot list users, so the picker takes a user ID typed in.
    const save = () => document.querySelector<HTMLButtonElement>('[data-testid="member-save"]')?.click();
    save();
    await vi.waitFor(async () => {
      await flushPromises();
      expect(document.querySelector('[data-testid="member-dialog"]')?.textContent).toContain('请选择用户');
    });
    expect(requests(calls, 'PUT')).toHaveLength(0);

    const input = document.querySelector<HTMLInputElement>('[data-testid="member-user"] input');
    if (!input) throw new Error('no user input');
    document.querySelector<HTMLElement>('[data-testid="member-user"] .el-select__wrapper')?.click();
    await settle();
    input.value = BOB;
    input.dispatchEvent(new Event('input'));
    await settle();
    // The typed ID becomes an option of its own; picking it is what a user does.
    document.getElementById(input.getAttribute('aria-controls') ?? '')?.querySelector<HTMLElement>('li')?.click();
    await settle();
    save();
    await vi.waitFor(async () => {
      await flushPromises();
      expect(requests(calls, 'PUT')).toHaveLength(1);
    });
    expect(requests(calls, 'PUT')[0]?.body).toEqual({ role: 'developer' });
    await vi.waitFor(() => expect(document.querySelector('[data-testid="member-remove-bob"]')).not.toBeNull());

    document.querySelector<HTMLButtonElement>('[data-testid="member-remove-bob"]')?.click();
    await answerMessageBox('cancel');
    expect(requests(calls, 'DELETE')).toHaveLength(0);
    document.querySelector<HTMLButtonElement>('[data-testid="member-remove-bob"]')?.click();
    await answerMessageBox('ok');
    await vi.waitFor(() => expect(requests(calls, 'DELETE')).toHaveLength(1));
  });
});
