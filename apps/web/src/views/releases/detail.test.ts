import { beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises } from '@vue/test-utils';
import type { Release, ReleaseEvent } from '@/api/releases';
import { encodeFeed } from '@/test/feed';
import { json, stubFetch as stubRoutes } from '@/test/fetch-stub';
import { isolateViewTests, mountSignedIn } from '@/test/mount-view';
import { release as releaseFixture, RELEASE_ID, SERVER_A } from '@/test/releases';
import { messageBoxButton } from '@/test/ui';
import DetailView from './detail.vue';


/** The browser WebSocket is the network edge; the test plays the server through the last socket opened. */
class FakeWebSocket {
  static opened: FakeWebSocket[] = [];
  onopen: ((ev: Event) => void) | null = null;
  onmessage: ((ev: MessageEvent) => void) | null = null;
  onclose: ((ev: CloseEvent) => void) | null = null;

  constructor(readonly url: string) {
    FakeWebSocket.opened.push(this);
  }

  close(): void {}

  send(message: unknown): void {
    this.onmessage?.(new MessageEvent('message', { data: JSON.stringify(message) }));
  }

  serverCloses(code: number): void {
    this.onclose?.(new CloseEvent('close', { code }));
  }
}

/** The release this page shows: approved by bob, 40 % done. */
const release = (overrides: Partial<Release> = {}): Release =>
  releaseFixture({ commit: '0123456789abcdef0123456789abcdef01234567', approvedBy: 'bob', progress: { percent: 40, etaSeconds: 125 }, ...overrides });

const logLines = (count: number): ReleaseEvent[] =>
  Array.from({ length: count }, (_, i) => ({
    seq: i + 1,
    at: '2026-11-23T10:00:00.000Z',
    type: 'log',
    stage: 'build',
    target: i % 2 ? SERVER_A : null,
    stream: 'stdout',
    text: `line ${i + 1}`,
    data: null,
  }));

/** Every (re)connect asks for a single-use ticket first; the socket opens once it arrives. */
const stubFetch = (routes: Parameters<typeof stubRoutes>[0]) =>
  stubRoutes({ 'POST /api/ws-ticket': () => json(201, { ticket: 'ticket-1', expiresAt: '2026-11-23T10:00:30.000Z' }), ...routes });

const mountDetail = async () => {
  const wrapper = await mountSignedIn(DetailView, `/releases/${RELEASE_ID}`);
  await flushPromises();
  return wrapper;
};

const socket = () => FakeWebSocket.opened[FakeWebSocket.opened.length - 1] as FakeWebSocket;

isolateViewTests();

beforeEach(() => {
  FakeWebSocket.opened = [];
  vi.stubGlobal('WebSocket', FakeWebSocket);
});

describe('release detail view', () => {
  it('shows the header, progress and the actions the state allows', async () => {
    stubFetch({});
    const wrapper = await mountDetail();
    expect(new URL(socket().url).pathname).toBe(`/ws/releases/${RELEASE_ID}`);

    socket().send({ type: 'snapshot', release: release(), ...encodeFeed([]), more: false });
    await flushPromises();

    expect(wrapper.get('[data-testid="release-title"]').text()).toBe('shop / prod');
    expect(wrapper.text()).toContain('发布中');
    expect(wrapper.text()).toContain('01234567');
    expect(wrapper.text()).toContain('bob');
    expect(wrapper.text()).toContain('预计剩余 2 分 5 秒');
    expect(wrapper.find('[data-testid="action-abort"]').exists()).toBe(true);
    expect(wrapper.find('[data-testid="action-approve"]').exists()).toBe(false);
    expect(wrapper.find('[data-testid="action-retry"]').exists()).toBe(false);
    expect(wrapper.get('[data-testid="release-notifications"]').attributes('href')).toBe(`/notification-deliveries?releaseId=${RELEASE_ID}`);

    socket().send({ type: 'release', release: release({ state: 'failed', lastSeq: 1 }) });
    await flushPromises();
    expect(wrapper.find('[data-testid="action-abort"]').exists()).toBe(false);
    expect(wrapper.find('[data-testid="action-retry"]').exists()).toBe(true);
  });

  it('says so when the release does not exist', async () => {
    stubFetch({});
    const wrapper = await mountDetail();

    socket().serverCloses(4404);
    await flushPromises();

    expect(wrapper.get('[data-testid="release-missing"]').text()).toContain('发布单不存在或已被删除');
    expect(FakeWebSocket.opened).toHaveLength(1);
  });

  it('retry calls the API and shows the new state', async () => {
    const calls = stubFetch({ [`POST /api/releases/${RELEASE_ID}/retry`]: () => json(200, release({ state: 'queued', lastSeq: 5 })) });
    const wrapper = await mountDetail();
    socket().send({ type: 'snapshot', release: release({ state: 'failed', lastSeq: 5 }), ...encodeFeed([]), more: false });
    await flushPromises();

    await wrapper.get('[data-testid="action-retry"]').trigger('click');
    await vi.waitFor(async () => {
      await flushPromises();
      expect(wrapper.text()).toContain('排队中');
    });
    const retry = calls.find((c) => c.url === `/api/releases/${RELEASE_ID}/retry`);
    expect(retry).toMatchObject({ method: 'POST' });
    expect(retry?.headers.get('Authorization')).toBe('Bearer tok-1');
  });

  it('outside the release windows, lets an administrator retry only after confirming the override', async () => {
    const refusal = { error: { code: 'CONFLICT', message: 'Environment prod is outside its release windows (UTC)', details: { windows: [], timezone: 'UTC' } } };
    const calls = stubFetch({
      [`POST /api/releases/${RELEASE_ID}/retry`]: (req) =>
        (req.body as { overrideWindow?: boolean } | undefined)?.overrideWindow ? json(200, release({ state: 'queued', lastSeq: 5 })) : json(409, refusal),
    });
    const wrapper = await mountDetail();
    socket().send({ type: 'snapshot', release: release({ state: 'failed', lastSeq: 5 }), ...encodeFeed([]), more: false });
    await flushPromises();

    await wrapper.get('[data-testid="action-retry"]').trigger('click');
    await vi.waitFor(() => messageBoxButton('primary'));
    expect(document.body.textContent).toContain('outside its release windows');
    messageBoxButton('primary').click();
    await vi.waitFor(async () => {
      await flushPromises();
      expect(wrapper.text()).toContain('排队中');
    });
    expect(calls.filter((c) => c.url.endsWith('/retry')).map((c) => c.body)).toEqual([undefined, { overrideWindow: true }]);
  });

  it('renders only a window of a 10,000-line log and filters by server and text', async () => {
    stubFetch({});
    const wrapper = await mountDetail();
    socket().send({ type: 'snapshot', release: release(), ...encodeFeed(logLines(10_000)), more: false });
    await flushPromises();

    expect(wrapper.text()).toContain('10000 / 10000');
    expect(wrapper.findAll('[data-testid="log-line"]').length).toBeLessThan(200);

    await wrapper.get('.console__search input').setValue('line 9999');
    await flushPromises();
    expect(wrapper.get('[data-testid="log-matches"]').text()).toBe('第 1 / 1 处');
    expect(wrapper.get('.console__mark.is-current').text()).toBe('line 9999');

    await wrapper.get('[data-testid="log-only-matches"] input').setValue(true);
    await flushPromises();
    expect(wrapper.findAll('[data-testid="log-line"]').map((l) => l.text())).toEqual([expect.stringContaining('line 9999')]);
    expect(wrapper.text()).toContain('1 / 10000');
  });

  it('colours ANSI output with classes, never as markup, and steps through search matches', async () => {
    stubFetch({});
    const wrapper = await mountDetail();
    const E = '\u001b';
    const texts = [`${E}[31mERROR${E}[0m first`, '<b>plain</b>', `${E}[1;32mok${E}[0m`, 'error again'];
    const events = logLines(texts.length).map((e, i) => ({ ...e, text: texts[i] ?? '' }));
    socket().send({ type: 'snapshot', release: release(), ...encodeFeed(events), more: false });
    await flushPromises();

    expect(wrapper.get('.ansi-fg-31').text()).toBe('ERROR');
    expect(wrapper.get('.ansi-fg-32.ansi-bold').text()).toBe('ok');
    expect(wrapper.find('[data-testid="log-viewport"] b').exists()).toBe(false);
    expect(wrapper.text()).toContain('<b>plain</b>');
    expect(wrapper.text()).not.toContain('[31m');

    await wrapper.get('.console__search input').setValue('ERROR');
    await flushPromises();
    const current = () => wrapper.get('.console__line.is-current').text();
    expect(wrapper.get('[data-testid="log-matches"]').text()).toBe('第 1 / 2 处');
    expect(current()).toContain('ERROR first');
    expect(wrapper.findAll('.console__mark')).toHaveLength(2);

    await wrapper.get('[data-testid="log-match-next"]').trigger('click');
    await flushPromises();
    expect(wrapper.get('[data-testid="log-matches"]').text()).toBe('第 2 / 2 处');
    expect(current()).toContain('error again');
    expect(wrapper.get('[data-testid="log-follow"]').classes()).not.toContain('is-checked');

    await wrapper.get('.console__search input').trigger('keydown', { key: 'Enter', shiftKey: true });
    await flushPromises();
    expect(current()).toContain('ERROR first');
  });

  it('colours the stage grid by status and shows finished durations and how long a running stage has run', async () => {
    stubFetch({});
    const wrapper = await mountDetail();
    const event = (seq: number, type: string, stage: string, data: unknown, at: Date): ReleaseEvent => ({
      seq,
      at: at.toISOString(),
      type,
      stage,
      target: null,
      stream: null,
      text: null,
      data,
    });
    const started = new Date(Date.now() - 5_000);
    socket().send({
      type: 'snapshot',
      release: release(),
      ...encodeFeed([
        event(1, 'stage.started', 'prepare', null, started),
        event(2, 'stage.finished', 'prepare', { status: 'succeeded', durationMs: 1_500 }, started),
        event(3, 'stage.started', 'build', null, started),
      ]),
      more: false,
    });
    await flushPromises();

    expect(wrapper.get('[data-testid="stage-prepare"]').text()).toMatch(/成功\s*· 2 秒/);
    expect(wrapper.get('[data-testid="stage-prepare"]').classes()).toContain('is-succeeded');
    expect(wrapper.get('[data-testid="stage-build"]').text()).toMatch(/进行中\s*· [5-9] 秒/);
    expect(wrapper.get('[data-testid="stage-build"]').classes()).toContain('is-running');
    expect(wrapper.get('[data-testid="stage-checkout"]').text()).toMatch(/^检出代码\s*等待$/);
  });

  it('while paused, counts the lines that arrive and offers to jump back to following them', async () => {
    stubFetch({});
    const wrapper = await mountDetail();
    const lines = logLines(30);
    socket().send({ type: 'snapshot', release: release(), ...encodeFeed(lines.slice(0, 27)), more: false });
    await flushPromises();

    await wrapper.get('[data-testid="log-follow"]').trigger('click');
    socket().send({ type: 'events', ...encodeFeed(lines.slice(27)) });
    await flushPromises();
    expect(wrapper.get('[data-testid="log-new-lines"]').text()).toBe('3 行新日志');

    await wrapper.get('[data-testid="log-new-lines"]').trigger('click');
    await flushPromises();
    expect(wrapper.get('[data-testid="log-follow"]').classes()).toContain('is-checked');
    expect(wrapper.find('[data-testid="log-new-lines"]').exists()).toBe(false);
  });
});
