import { describe, expect, it, vi } from 'vitest';
import { flushPromises } from '@vue/test-utils';
import { adminUser, json, stubFetch, type RecordedRequest } from '@/test/fetch-stub';
import { isolateViewTests, mountSignedIn } from '@/test/mount-view';
import { releaseSummary } from '@/test/releases';
import { useAuthStore } from '@/stores/auth';
import type { ReleaseSummary } from '@/api/releases';
import QueueView from './index.vue';
import { messageBoxButton, settle } from '@/test/ui';
import { router } from '@/router';

const PROJECT = '00000000-0000-4000-8000-0000000000a1';
const ENV = '00000000-0000-4000-8000-0000000000e1';
const GROUP = '00000000-0000-4000-8000-0000000000f1';
const id = (n: number) => `00000000-0000-4000-8000-00000000010${n}`;

const queued = (n: number, queuedAt: string, extra: Partial<ReleaseSummary> = {}) =>
  releaseSummary({ id: id(n), state: 'queued', environmentId: ENV, groupId: GROUP, ref: `v${n}`, queuedAt, createdBy: 'bob', ...extra });

// Listed newest first, as the API does; the page must show them in the worker's order (oldest queue time first).
const QUEUE = [queued(3, '2026-11-23T10:03:00.000Z'), queued(1, '2026-11-23T10:01:00.000Z'), queued(2, '2026-11-23T10:02:00.000Z')];
const RUNNING = releaseSummary({ id: id(9), state: 'running', environmentId: ENV, groupId: GROUP, ref: 'hotfix-7', description: 'fix checkout' });

const page = (items: unknown[]) => json(200, { items, total: items.length, page: 1, pageSize: 200 });

function stubQueue(extra: Parameters<typeof stubFetch>[0] = {}): RecordedRequest[] {
  return stubFetch({
    'GET /api/projects': () => page([{ id: PROJECT, name: 'shop' }]),
    [`GET /api/projects/${PROJECT}/environments`]: () => page([{ id: ENV, name: 'prod' }, { id: 'other', name: 'staging' }]),
    'GET /api/releases': (req) => {
      const state = new URL(req.url, 'http://localhost').searchParams.get('state');
      return page(state === 'queued' ? QUEUE : state === 'running' ? [RUNNING] : []);
    },
    ...extra,
  });
}

const mountQueue = () => mountSignedIn(QueueView, `/queue?project=${PROJECT}&env=${ENV}`);

isolateViewTests();

describe('release queue view', () => {
  it('asks for a project and environment before loading anything', async () => {
    const calls = stubQueue();
    const wrapper = await mountSignedIn(QueueView, '/queue');
    expect(wrapper.find('[data-testid="queue-pick-hint"]').exists()).toBe(true);
    expect(calls.some((c) => c.url.startsWith('/api/releases'))).toBe(false);
  });

  it('shows the running release and the queue of the environment in the URL, in execution order', async () => {
    const calls = stubQueue();
    const wrapper = await mountQueue();

    const lists = calls.filter((c) => c.url.startsWith('/api/releases')).map((c) => Object.fromEntries(new URL(c.url, 'http://localhost').searchParams));
    expect(lists).toContainEqual({ environmentId: ENV, state: 'queued', pageSize: '200' });
    expect(lists).toContainEqual({ environmentId: ENV, state: 'running', pageSize: '20' });
    expect(wrapper.get('[data-testid="queue-running"]').text()).toContain('hotfix-7');
    expect(wrapper.findAll('[data-testid="queue-row-ref"]').map((r) => r.text())).toEqual(['v1', 'v2', 'v3']);
  });

  it('moves a release up before its predecessor and down behind its successor', async () => {
    const calls = stubQueue({
      [`POST /api/releases/${id(2)}/move`]: () => json(200, QUEUE[2]),
    });
    const wrapper = await mountQueue();
    const rows = wrapper.findAll('.el-table__body-wrapper .el-table__row');

    await rows[1]!.get('[data-testid="queue-move-up"]').trigger('click');
    await flushPromises();
    await rows[1]!.get('[data-testid="queue-move-down"]').trigger('click');
    await flushPromises();

    const moves = calls.filter((c) => c.url.endsWith('/move'));
    // Up: before v1. Down from second of three: to the end, i.e. without `before`.
    expect(moves.map((m) => m.body)).toEqual([{ before: id(1) }, {}]);
    expect(rows[0]!.get('[data-testid="queue-move-up"]').attributes('disabled')).toBeDefined();
  });

  it('cancels only after the user confirms', async () => {
    const calls = stubQueue({
      [`POST /api/releases/${id(1)}/cancel`]: () => json(200, { ...QUEUE[1], state: 'cancelled' }),
    });
    const wrapper = await mountQueue();
    const first = wrapper.findAll('.el-table__body-wrapper .el-table__row')[0]!;

    await first.get('[data-testid="queue-cancel"]').trigger('click');
    await vi.waitFor(() => messageBoxButton('cancel'));
    // "Cancel" beside "cancel the release?" would be ambiguous: the buttons name what they do.
    expect([messageBoxButton('cancel').textContent?.trim(), messageBoxButton('primary').textContent?.trim()]).toEqual(['保留', '取消发布单']);
    messageBoxButton('cancel').click();
    await flushPromises();
    expect(calls.some((c) => c.url.endsWith('/cancel'))).toBe(false);

    await first.get('[data-testid="queue-cancel"]').trigger('click');
    await vi.waitFor(() => messageBoxButton('primary'));
    messageBoxButton('primary').click();
    await vi.waitFor(() => expect(calls.filter((c) => c.url.endsWith('/cancel'))).toHaveLength(1));
  });

  it('lets a developer cancel but not reorder, and a viewer do neither', async () => {
    stubQueue();
    const wrapper = await mountQueue();
    const auth = useAuthStore();
    const as = async (role: 'developer' | 'viewer') => {
      auth.user = { id: 'u2', username: 'carol', displayName: 'Carol', email: null, isAdmin: false, memberships: [{ groupId: GROUP, groupName: 'shop', role }] };
      await flushPromises();
      const second = wrapper.findAll('.el-table__body-wrapper .el-table__row')[1]!;
      return {
        up: second.get('[data-testid="queue-move-up"]').attributes('disabled') !== undefined,
        cancel: second.get('[data-testid="queue-cancel"]').attributes('disabled') !== undefined,
      };
    };
    expect(await as('developer')).toEqual({ up: true, cancel: false });
    expect(await as('viewer')).toEqual({ up: true, cancel: true });
  });

  it("opens on the user's last project and environment, while they still exist", async () => {
    stubQueue();
    await mountQueue();
    const wrapper = await mountSignedIn(QueueView, '/queue');
    await settle();

    expect(router.currentRoute.value.query).toEqual({ project: PROJECT, env: ENV });
    expect(wrapper.findAll('[data-testid="queue-row-ref"]').map((r) => r.text())).toEqual(['v1', 'v2', 'v3']);

    // Once the remembered environment has gone, only the project is chosen.
    stubQueue({ [`GET /api/projects/${PROJECT}/environments`]: () => page([{ id: 'other', name: 'staging' }, { id: 'third', name: 'qa' }]) });
    await mountSignedIn(QueueView, '/queue');
    await settle();
    expect(router.currentRoute.value.query).toEqual({ project: PROJECT });
  });

  it("does not take another user's last choice", async () => {
    stubQueue({ 'GET /api/projects': () => page([{ id: PROJECT, name: 'shop' }, { id: 'p2', name: 'billing' }]) });
    await mountQueue();
    const wrapper = await mountSignedIn(QueueView, '/queue', { user: { ...adminUser, id: 'u-other' } });
    await settle();

    expect(router.currentRoute.value.query).toEqual({});
    expect(wrapper.find('[data-testid="queue-pick-hint"]').exists()).toBe(true);
  });

  it('chooses the only project and its only environment without asking', async () => {
    stubQueue({ [`GET /api/projects/${PROJECT}/environments`]: () => page([{ id: ENV, name: 'prod' }]) });
    const wrapper = await mountSignedIn(QueueView, '/queue', { user: { ...adminUser, id: 'u-new' } });
    await settle();

    expect(router.currentRoute.value.query).toEqual({ project: PROJECT, env: ENV });
    expect(wrapper.find('[data-testid="queue-pick-hint"]').exists()).toBe(false);
  });
});
