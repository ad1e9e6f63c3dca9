import { beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises } from '@vue/test-utils';
import type { Release, ReleaseEvent } from '@/api/releases';
import { encodeFeed } from '@/test/feed';
import { json, stubFetch as stubRoutes } from '@/test/fetch-stub';
import { isolateViewTests, mountSignedIn } from '@/test/mount-view';
import { release as releaseFixture, RELEASE_ID, SERVER_A } from '@/test/releases';
import { messageBoxButton } from '@/test/ui';
import { router } from '@/router';
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

const SERVER_B = '00000000-0000-4000-8000-00000000000b';
const SERVER_C = '00000000-0000-4000-8000-00000000000c';
/** Three servers on one test machine, as a test fleet has them: only the name tells them apart. */
const fleet = (...states: string[]): Release['targets'] =>
  [SERVER_A, SERVER_B, SERVER_C].map((serverId, i) => ({
    serverId,
    serverName: `web-0${i + 1}`,
    host: '127.0.0.1',
    port: 2201 + i,
    state: states[i] ?? 'pending',
    stage: null,
    previous: null,
    current: null,
    error: null,
    startedAt: null,
    finishedAt: null,
  }));

const feedEvent = (seq: number, type: string, fields: Partial<ReleaseEvent> = {}): ReleaseEvent => ({
  seq,
  at: '2026-11-23T10:00:00.000Z',
  type,
  stage: null,
  target: null,
  stream: null,
  text: null,
  data: null,
  ...fields,
});
const logLine = (seq: number, text: string, target: string | null, stream = 'stdout') =>
  feedEvent(seq, 'log', { stage: target ? 'upload' : 'build', target, stream, text });

/** The first batch (web-01) is through, web-02 and web-03 wait for someone to continue. */
const pausedFeed = (): ReleaseEvent[] => [
  feedEvent(1, 'release.started', { data: { kind: 'release', targets: [SERVER_A, SERVER_B, SERVER_C] } }),
  feedEvent(2, 'batch.started', { data: { index: 0, count: 2, targets: [SERVER_A] } }),
  logLine(3, 'sent 3 MB', SERVER_A),
  logLine(4, '$ systemctl restart app', SERVER_A, 'command'),
  feedEvent(5, 'batch.finished', { data: { index: 0, count: 2, failed: [] } }),
  feedEvent(6, 'batch.paused', { data: { index: 1, count: 2, nextTargets: [SERVER_B, SERVER_C] } }),
];

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

  it('offers an emergency rollback on an older release only, in one dialog that states the change, and opens the rollback', async () => {
    const live = { releaseId: '00000000-0000-4000-8000-0000000000f1', ref: 'v1.2.0', commit: 'd30924f1'.padEnd(40, '0'), at: '2026-11-23T10:00:00.000Z' };
    const server = { serverId: SERVER_A, serverName: 'web-1', host: '10.0.0.1', actual: null, drift: null, error: null };
    let recorded = { ...live, releaseId: RELEASE_ID, ref: 'main', commit: release().commit };
    const calls = stubFetch({
      'GET /api/environments/e/versions': () => json(200, { environmentId: 'e', deployPath: '/srv/app', checkedAt: null, servers: [{ ...server, recorded }] }),
      'GET /api/environments/e': () => json(200, { id: 'e', requireApproval: true, rollbackNeedsApproval: false }),
      [`POST /api/releases/${RELEASE_ID}/rollback`]: () => json(201, release({ id: '00000000-0000-4000-8000-0000000000f2', kind: 'rollback' })),
    });
    const wrapper = await mountDetail();
    // This release is what runs: rolling back to it would change nothing, so nothing offers it.
    socket().send({ type: 'snapshot', release: release({ state: 'succeeded' }), ...encodeFeed([]), more: false });
    await flushPromises();
    expect(wrapper.find('[data-testid="action-rollback"]').exists()).toBe(false);

    recorded = live;
    await router.replace(`/releases/${RELEASE_ID}?again=1`);
    const again = await mountDetail();
    socket().send({ type: 'snapshot', release: release({ state: 'succeeded' }), ...encodeFeed([]), more: false });
    await flushPromises();
    await again.get('[data-testid="action-rollback"]').trigger('click');
    await flushPromises();
    expect(document.querySelector('[data-testid="rollback-current"]')?.textContent?.trim()).toBe('v1.2.0 (d30924f1)');
    (document.querySelector('[data-testid="rollback-confirm"]') as HTMLElement).click();
    await vi.waitFor(() => expect(router.currentRoute.value.params.id).toBe('00000000-0000-4000-8000-0000000000f2'));
    expect(calls.filter((c) => c.method === 'POST' && c.url.endsWith('/rollback')).map((c) => c.body)).toEqual([{ rollout: 'parallel' }]);
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

  it('before a retry, lists the settings that changed since the release was created and retries only once confirmed', async () => {
    const changes = {
      changed: true,
      recordedAt: '2026-11-23T10:00:00.000Z',
      changes: [
        { field: 'project.restartCommand', before: 'systemctl restart app', after: 'pm2 reload app' },
        { field: 'environment.variables.API_TOKEN', before: null, after: '(secret)' },
      ],
    };
    const calls = stubFetch({
      [`GET /api/releases/${RELEASE_ID}/settings-changes`]: () => json(200, changes),
      [`POST /api/releases/${RELEASE_ID}/retry`]: () => json(200, release({ state: 'queued', lastSeq: 5 })),
    });
    const wrapper = await mountDetail();
    socket().send({ type: 'snapshot', release: release({ state: 'failed', lastSeq: 5 }), ...encodeFeed([]), more: false });
    await flushPromises();

    await wrapper.get('[data-testid="action-retry"]').trigger('click');
    await vi.waitFor(() => expect(document.querySelectorAll('[data-testid="retry-change"]')).toHaveLength(2));
    const rows = [...document.querySelectorAll('[data-testid="retry-change"]')].map((row) => [...row.querySelectorAll('td')].map((td) => td.textContent?.trim()));
    expect(rows).toEqual([
      ['project.restartCommand', 'systemctl restart app', 'pm2 reload app'],
      ['environment.variables.API_TOKEN', '（未设置）', '(secret)'],
    ]);
    expect(calls.some((c) => c.url.endsWith('/retry'))).toBe(false);

    (document.querySelector('[data-testid="retry-changes-confirm"]') as HTMLElement).click();
    await vi.waitFor(async () => {
      await flushPromises();
      expect(wrapper.text()).toContain('排队中');
    });
    expect(calls.filter((c) => c.url.endsWith('/retry')).map((c) => c.method)).toEqual(['POST']);
  });

  it('retries at once when no setting changed since the release was created', async () => {
    const calls = stubFetch({
      [`GET /api/releases/${RELEASE_ID}/settings-changes`]: () => json(200, { changed: false, recordedAt: '2026-11-23T10:00:00.000Z', changes: [] }),
      [`POST /api/releases/${RELEASE_ID}/retry`]: () => json(200, release({ state: 'queued', lastSeq: 5 })),
    });
    const wrapper = await mountDetail();
    socket().send({ type: 'snapshot', release: release({ state: 'failed', lastSeq: 5 }), ...encodeFeed([]), more: false });
    await flushPromises();

    await wrapper.get('[data-testid="action-retry"]').trigger('click');
    await vi.waitFor(async () => {
      await flushPromises();
      expect(wrapper.text()).toContain('排队中');
    });
    expect(calls.map((c) => `${c.method} ${c.url}`).filter((c) => c.includes(RELEASE_ID))).toEqual([
      `GET /api/releases/${RELEASE_ID}/settings-changes`,
      `POST /api/releases/${RELEASE_ID}/retry`,
    ]);
    expect(document.querySelector('[data-testid="retry-change"]')).toBeNull();
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

  it('while paused between batches, says which batch is done on which server and what comes next, beside the continue button', async () => {
    const calls = stubFetch({ [`POST /api/releases/${RELEASE_ID}/continue`]: () => json(200, release({ state: 'running', lastSeq: 6, targets: fleet('succeeded') })) });
    const wrapper = await mountDetail();
    socket().send({ type: 'snapshot', release: release({ state: 'paused', lastSeq: 6, targets: fleet('succeeded'), progress: { percent: 50, etaSeconds: null } }), ...encodeFeed(pausedFeed()), more: false });
    await flushPromises();

    const banner = wrapper.get('[data-testid="release-pause"]');
    expect(banner.text()).toContain('第 1/2 批完成（web-01），等待确认；下一批：web-02, web-03');
    expect(wrapper.findAll('[data-testid="action-continue"]')).toHaveLength(1);
    await banner.get('[data-testid="action-continue"]').trigger('click');
    await vi.waitFor(() => expect(calls.some((c) => c.url === `/api/releases/${RELEASE_ID}/continue`)).toBe(true));

    // The grid groups servers by batch, in batch order, each batch with its state.
    const rows = wrapper.findAll('.grid__table tbody tr').map((r) => r.attributes('data-testid'));
    expect(rows).toEqual(['batch-1', 'target-web-01', 'batch-2', 'target-web-02', 'target-web-03']);
    expect(wrapper.get('[data-testid="batch-1"]').text()).toMatch(/第 1\/2 批\s*已完成/);
    expect(wrapper.get('[data-testid="batch-2"]').text()).toMatch(/第 2\/2 批\s*等待确认/);
    // Three servers on one machine: the port tells them apart.
    expect(wrapper.get('[data-testid="target-web-03"] .grid__host').text()).toBe('127.0.0.1:2203');
  });

  it('shows progress as the share of servers through, in the normal colour while paused, and hides an ETA that is no estimate', async () => {
    stubFetch({});
    const wrapper = await mountDetail();
    socket().send({ type: 'snapshot', release: release({ state: 'paused', lastSeq: 6, targets: fleet('succeeded'), progress: { percent: 50, etaSeconds: null } }), ...encodeFeed(pausedFeed()), more: false });
    await flushPromises();
    const bar = () => wrapper.get('[data-testid="release-progress"]');
    expect(bar().attributes('aria-valuenow')).toBe('33');
    expect(bar().classes()).not.toContain('is-warning');

    socket().send({ type: 'release', release: release({ state: 'running', lastSeq: 7, targets: fleet('succeeded', 'running'), progress: { percent: 80, etaSeconds: 1 } }) });
    await flushPromises();
    expect(wrapper.find('[data-testid="release-eta"]').exists()).toBe(false);
    expect(wrapper.text()).not.toContain('预计剩余');

    socket().send({ type: 'release', release: release({ state: 'failed', lastSeq: 8, targets: fleet('succeeded', 'failed'), progress: { percent: 0, etaSeconds: null } }) });
    await flushPromises();
    expect(bar().attributes('aria-valuenow')).toBe('66');
    expect(bar().classes()).toContain('is-exception');
  });

  it('shows the total duration, live while running and start to end once finished, and the live tag only while it runs', async () => {
    stubFetch({});
    const wrapper = await mountDetail();
    const started = new Date(Date.now() - 65_000).toISOString();
    socket().send({ type: 'snapshot', release: release({ startedAt: started }), ...encodeFeed([]), more: false });
    await flushPromises();
    expect(wrapper.get('[data-testid="release-duration"]').text()).toMatch(/^1 分 [5-9] 秒$/);
    expect(wrapper.find('[data-testid="live-connection"]').exists()).toBe(true);

    socket().send({ type: 'release', release: release({ state: 'succeeded', lastSeq: 1, startedAt: '2026-11-23T10:00:00.000Z', finishedAt: '2026-11-23T10:02:30.000Z' }) });
    await flushPromises();
    expect(wrapper.get('[data-testid="release-duration"]').text()).toBe('2 分 30 秒');
    expect(wrapper.find('[data-testid="live-connection"]').exists()).toBe(false);
  });

  it('shows a skipped stage as skipped, without a duration', async () => {
    stubFetch({});
    const wrapper = await mountDetail();
    socket().send({
      type: 'snapshot',
      release: release(),
      ...encodeFeed([
        feedEvent(1, 'stage.finished', { stage: 'hook:before-checkout', data: { status: 'skipped', durationMs: 0 } }),
        feedEvent(2, 'stage.finished', { stage: 'offline', target: SERVER_A, data: { status: 'skipped', durationMs: 0 } }),
      ]),
      more: false,
    });
    await flushPromises();

    expect(wrapper.get('[data-testid="stage-hook:before-checkout"]').text()).toMatch(/^检出前钩子\s*跳过$/);
    expect(wrapper.get('[data-testid="target-web-1"]').text()).toContain('跳过');
    expect(wrapper.get('[data-testid="target-web-1"]').text()).not.toContain('毫秒');
  });

  it('after a retry, marks where the new run begins in the log, keeps the first start time and drops the earlier run from the grid', async () => {
    stubFetch({});
    const wrapper = await mountDetail();
    const retriedAt = '2026-11-23T10:05:00.000Z';
    socket().send({
      type: 'snapshot',
      release: release({ state: 'running', startedAt: retriedAt, lastSeq: 6 }),
      ...encodeFeed([
        feedEvent(1, 'release.started', { at: '2026-11-23T10:00:00.000Z', data: { kind: 'release', targets: [SERVER_A] } }),
        logLine(2, 'first try', SERVER_A),
        feedEvent(3, 'stage.finished', { stage: 'rollback', target: SERVER_A, data: { status: 'succeeded', durationMs: 10 } }),
        feedEvent(4, 'release.started', { at: retriedAt, data: { kind: 'release', targets: [SERVER_A] } }),
        logLine(5, 'second try', SERVER_A),
      ]),
      more: false,
    });
    await flushPromises();

    const time = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false }).format(new Date(retriedAt));
    const rows = wrapper.findAll('.console__line').map((l) => l.text());
    expect(rows).toEqual([expect.stringContaining('first try'), `—— 第 2 次执行（重试）${time} ——`, expect.stringContaining('second try')]);
    expect(wrapper.get('[data-testid="release-started"]').text()).toBe(new Date('2026-11-23T10:00:00.000Z').toLocaleString('zh-CN', { hour12: false }));
    expect(wrapper.text()).toContain('第 2 次执行开始于');
    expect(wrapper.get('.grid__table thead').text()).not.toContain('自动回滚');
  });

  it('finds log lines by the server they came from, dims echoed commands, and wraps and goes full screen on request', async () => {
    stubFetch({});
    const wrapper = await mountDetail();
    socket().send({ type: 'snapshot', release: release({ state: 'paused', lastSeq: 6, targets: fleet('succeeded') }), ...encodeFeed([...pausedFeed(), logLine(7, 'built', null)]), more: false });
    await flushPromises();

    await wrapper.get('.console__search input').setValue('web-01');
    await flushPromises();
    expect(wrapper.get('[data-testid="log-matches"]').text()).toBe('第 1 / 2 处');
    expect(wrapper.get('.console__where .console__mark.is-current').text()).toBe('web-01');

    const command = wrapper.findAll('[data-testid="log-line"]').find((l) => l.text().includes('$ systemctl restart app'));
    expect(command?.classes()).toContain('is-command');

    expect(wrapper.get('[data-testid="log-viewport"]').classes()).not.toContain('is-wrapped');
    await wrapper.get('[data-testid="log-wrap"]').trigger('click');
    expect(wrapper.get('[data-testid="log-viewport"]').classes()).toContain('is-wrapped');

    await wrapper.get('[data-testid="log-fullscreen"]').trigger('click');
    expect(wrapper.get('[data-testid="log-console"]').classes()).toContain('is-fullscreen');
    document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }));
    await flushPromises();
    expect(wrapper.get('[data-testid="log-console"]').classes()).not.toContain('is-fullscreen');
  });

  it('before the release starts, says where its log will appear instead of showing an empty console', async () => {
    stubFetch({});
    const wrapper = await mountDetail();
    socket().send({ type: 'snapshot', release: release({ state: 'queued' }), ...encodeFeed([]), more: false });
    await flushPromises();

    expect(wrapper.get('[data-testid="log-placeholder"]').text()).toBe('发布开始后这里会实时显示日志');
    expect(wrapper.find('[data-testid="log-viewport"]').exists()).toBe(false);

    socket().send({ type: 'events', ...encodeFeed([feedEvent(1, 'release.started', { data: { kind: 'release', targets: [SERVER_A] } }), logLine(2, 'locking', null)]) });
    await flushPromises();
    expect(wrapper.find('[data-testid="log-placeholder"]').exists()).toBe(false);
    expect(wrapper.get('[data-testid="log-line"]').text()).toContain('locking');
  });
});
