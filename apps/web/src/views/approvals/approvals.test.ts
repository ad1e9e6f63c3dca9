import { describe, expect, it, vi } from 'vitest';
import { flushPromises, type VueWrapper } from '@vue/test-utils';
import { json, stubFetch } from '@/test/fetch-stub';
import { isolateViewTests, mountSignedIn } from '@/test/mount-view';
import { releaseSummary } from '@/test/releases';
import { setLocale } from '@/locales';
import { useAuthStore } from '@/stores/auth';
import type { User } from '@/api/types';
import ApprovalsView from './index.vue';

const OWNED = '00000000-0000-4000-8000-0000000000f1';
const DEVELOPED = '00000000-0000-4000-8000-0000000000f2';
const id = (n: number) => `00000000-0000-4000-8000-00000000010${n}`;

const carol: User = {
  id: 'u2',
  username: 'carol',
  displayName: 'Carol',
  email: null,
  isAdmin: false,
  memberships: [
    { groupId: OWNED, groupName: 'shop', role: 'owner' },
    { groupId: DEVELOPED, groupName: 'search', role: 'developer' },
  ],
};

const pending = [
  releaseSummary({ id: id(1), state: 'pending_approval', groupId: OWNED, ref: 'v2.0.0', createdBy: 'bob', description: 'new checkout' }),
  releaseSummary({ id: id(2), state: 'pending_approval', groupId: OWNED, ref: 'v2.0.1', createdBy: 'carol' }),
  releaseSummary({ id: id(3), state: 'pending_approval', groupId: DEVELOPED, projectName: 'search', ref: 'v9', createdBy: 'dave' }),
];

/** What the API answers to `awaitingMe=true` for Carol: it decides who may approve (owners, named approvers). */
function stubInbox(extra: Parameters<typeof stubFetch>[0] = {}, awaitingCarol = [pending[0]!]) {
  return stubFetch({
    'GET /api/projects': () => json(200, { items: [], total: 0, page: 1, pageSize: 200 }),
    'GET /api/releases': (req) => {
      const items = new URL(req.url, 'http://localhost').searchParams.get('awaitingMe') === 'true' ? awaitingCarol : pending;
      return json(200, { items, total: items.length, page: 1, pageSize: 200 });
    },
    ...extra,
  });
}

async function mountAsCarol() {
  const wrapper = await mountSignedIn(ApprovalsView, '/approvals');
  useAuthStore().user = carol;
  await flushPromises();
  return wrapper;
}

const rows = (wrapper: VueWrapper) => wrapper.findAll('.el-table__body-wrapper .el-table__row');
const dialog = () => document.querySelector<HTMLElement>('[data-testid="review-dialog"]');

async function typeComment(text: string): Promise<void> {
  const input = dialog()?.querySelector<HTMLTextAreaElement>('[data-testid="review-comment"] textarea, textarea[data-testid="review-comment"]');
  if (!input) throw new Error('no comment field');
  input.value = text;
  input.dispatchEvent(new Event('input'));
  await flushPromises();
}

async function submit(): Promise<void> {
  dialog()?.querySelector<HTMLElement>('[data-testid="review-submit"]')?.click();
  await flushPromises();
}

isolateViewTests();

describe('approvals inbox', () => {
  it('lists only the pending releases the API says the user may approve', async () => {
    const calls = stubInbox();
    const wrapper = await mountAsCarol();

    const lists = calls.filter((c) => c.url.startsWith('/api/releases')).map((c) => Object.fromEntries(new URL(c.url, 'http://localhost').searchParams));
    expect(lists).toEqual([
      { state: 'pending_approval', pageSize: '200' },
      { state: 'pending_approval', pageSize: '200', awaitingMe: 'true' },
    ]);
    const texts = rows(wrapper).map((r) => r.text());
    expect(texts).toHaveLength(1);
    expect(texts[0]).toContain('v2.0.0');
    expect(rows(wrapper)[0]!.get('[data-testid="approve-button"]').attributes('disabled')).toBeUndefined();
  });

  it('shows the own release with the filter off, to reject but not to approve', async () => {
    stubInbox();
    const wrapper = await mountAsCarol();
    await wrapper.get('[data-testid="approvals-only-mine"] input').setValue(false);

    const own = rows(wrapper).find((r) => r.text().includes('v2.0.1'))!;
    expect(own.get('[data-testid="approve-button"]').attributes('disabled')).toBeDefined();
    expect(own.get('[data-testid="reject-button"]').attributes('disabled')).toBeUndefined();
  });

  it('says in the approval dialog who may approve, and nothing of settings that do not exist', async () => {
    stubInbox();
    const wrapper = await mountAsCarol();

    await rows(wrapper)[0]!.get('[data-testid="approve-button"]').trigger('click');
    await flushPromises();
    const hint = dialog()?.querySelector('[data-testid="review-hint"]')?.textContent ?? '';
    expect(hint).toContain('该分组的负责人，或环境指定的审批人');
    expect(hint).toContain('创建人不能审批自己的发布单');
    expect(hint).not.toContain('自动开始');
  });

  it('shows every pending release on request, with no review rights where the user is only a developer', async () => {
    stubInbox();
    const wrapper = await mountAsCarol();
    await wrapper.get('[data-testid="approvals-only-mine"] input').setValue(false);

    expect(rows(wrapper)).toHaveLength(3);
    const other = rows(wrapper)[2]!;
    expect(other.text()).toContain('search');
    expect(other.get('[data-testid="approve-button"]').attributes('disabled')).toBeDefined();
    expect(other.get('[data-testid="reject-button"]').attributes('disabled')).toBeDefined();
  });

  it('lets a developer named as the environment\'s approver approve there', async () => {
    stubInbox({}, [pending[0]!, pending[2]!]);
    const wrapper = await mountAsCarol();

    expect(rows(wrapper)).toHaveLength(2);
    const named = rows(wrapper).find((r) => r.text().includes('v9'))!;
    expect(named.get('[data-testid="approve-button"]').attributes('disabled')).toBeUndefined();
    expect(named.get('[data-testid="reject-button"]').attributes('disabled')).toBeUndefined();
  });

  it('searches by branch, description or creator', async () => {
    stubInbox();
    const wrapper = await mountAsCarol();
    await wrapper.get('input[data-testid="approvals-search"]').setValue('checkout');
    expect(rows(wrapper).map((r) => r.text().includes('v2.0.0'))).toEqual([true]);
  });

  it('refuses a rejection without a reason, then sends the reason', async () => {
    const calls = stubInbox({
      [`POST /api/releases/${id(1)}/reject`]: () => json(200, { ...pending[0], state: 'rejected' }),
    });
    const wrapper = await mountAsCarol();

    await rows(wrapper)[0]!.get('[data-testid="reject-button"]').trigger('click');
    await flushPromises();
    await typeComment('   ');
    await submit();
    await vi.waitFor(() => expect(dialog()?.textContent).toContain('请填写驳回原因'));
    expect(calls.some((c) => c.url.endsWith('/reject'))).toBe(false);

    await typeComment('missing migration');
    await submit();
    await vi.waitFor(() => expect(calls.filter((c) => c.url.endsWith('/reject')).map((c) => c.body)).toEqual([{ comment: 'missing migration' }]));
    expect(rows(wrapper)).toHaveLength(0);
  });

  it('approves with an optional comment and keeps the row when the API refuses', async () => {
    let answer = json(403, { error: { code: 'FORBIDDEN', message: 'A release must be approved by someone other than its creator' } });
    const calls = stubInbox({
      [`POST /api/releases/${id(1)}/approve`]: () => answer,
    });
    const wrapper = await mountAsCarol();

    await rows(wrapper)[0]!.get('[data-testid="approve-button"]').trigger('click');
    await flushPromises();
    await submit();
    expect(calls.filter((c) => c.url.endsWith('/approve')).map((c) => c.body)).toEqual([{}]);
    await vi.waitFor(() => expect(document.body.textContent).toContain('someone other than its creator'));
    expect(rows(wrapper)).toHaveLength(1);

    answer = json(200, { ...pending[0], state: 'queued' });
    await typeComment('ok for tonight');
    await submit();
    expect(calls.filter((c) => c.url.endsWith('/approve')).map((c) => c.body)).toEqual([{}, { comment: 'ok for tonight' }]);
    expect(rows(wrapper)).toHaveLength(0);
  });

  it('fits a 1366-px screen in English, with room for both review buttons', async () => {
    setLocale('en');
    stubInbox();
    const wrapper = await mountAsCarol();

    const widths = wrapper.findAll('.el-table__header colgroup col').map((c) => Number(c.attributes('width')));
    // 1366 px less the 220-px menu, the page's and the card's padding.
    expect(widths.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(1040);
    // "Approve" and "Reject", each with its icon, side by side.
    expect(widths.at(-1)).toBeGreaterThanOrEqual(205);
    expect(wrapper.get('input[data-testid="approvals-search"]').attributes('placeholder')).toBe('Ref, description, creator');
  });
});
