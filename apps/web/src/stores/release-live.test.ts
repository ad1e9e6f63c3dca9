import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import type { ReleaseEvent } from '@/api/releases';
import { encodeFeed } from '@/test/feed';
import { release, RELEASE_ID, SERVER_A } from '@/test/releases';
import { CLOSE_NOT_FOUND, CLOSE_TOO_SLOW, CLOSE_UNAUTHORIZED } from '@rp/contract/feed';
import { ApiError } from '@/api/http';
import { FakeSocket } from '@/test/fake-socket';
import { useReleaseLiveStore } from './release-live';

const sockets: FakeSocket[] = [];
const factory = (url: string) => {
  const socket = new FakeSocket(url);
  sockets.push(socket);
  return socket;
};
const latest = () => sockets[sockets.length - 1] as FakeSocket;

/** Stands in for `POST /api/ws-ticket`: a fresh ticket per handshake, or the failure the test asks for. */
let ticketsIssued = 0;
let ticketFailure: Error | null = null;
const tickets = async () => {
  if (ticketFailure) throw ticketFailure;
  ticketsIssued += 1;
  return `ticket-${ticketsIssued}`;
};

/** Lets the ticket request resolve and the socket open, as the browser's event loop would. */
const settle = () => vi.advanceTimersByTimeAsync(0);

/** Follows the release and waits for the first socket. */
async function follow(id = RELEASE_ID) {
  const live = useReleaseLiveStore();
  live.connect(id, factory, tickets);
  await settle();
  return live;
}

const log = (seq: number, text: string, target: string | null = null): ReleaseEvent => ({
  seq,
  at: '2026-11-23T10:00:00.000Z',
  type: 'log',
  stage: target ? 'upload' : 'build',
  target,
  stream: 'stdout',
  text,
  data: null,
});

const stage = (seq: number, type: 'stage.started' | 'stage.finished', name: string, target: string | null, data: unknown = null): ReleaseEvent => ({
  seq,
  at: '2026-11-23T10:00:00.000Z',
  type,
  stage: name,
  target,
  stream: null,
  text: null,
  data,
});

const SERVER_B = '00000000-0000-4000-8000-00000000000b';
const SERVER_C = '00000000-0000-4000-8000-00000000000c';
const target = (serverId: string, serverName: string, state: string) => ({
  serverId,
  serverName,
  host: '127.0.0.1',
  port: 22,
  state,
  stage: null,
  previous: null,
  current: null,
  error: null,
  startedAt: null,
  finishedAt: null,
});

/** A run's own events: what the engine emits around batches and runs, stored with their data. */
const runEvent = (seq: number, type: string, data: unknown, at = '2026-11-23T10:00:00.000Z'): ReleaseEvent => ({
  seq,
  at,
  type,
  stage: null,
  target: null,
  stream: null,
  text: null,
  data,
});

beforeEach(() => {
  sockets.length = 0;
  ticketsIssued = 0;
  ticketFailure = null;
  localStorage.clear();
  localStorage.setItem('rp.token', 'tok-1');
  setActivePinia(createPinia());
  vi.useFakeTimers();
});

afterEach(() => {
  useReleaseLiveStore().disconnect();
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('release live store', () => {
  it('draws a rollback as the stages it runs: prepare, then offline, switch, health check, online and cleanup per server', async () => {
    const live = await follow();
    latest().serverOpens();
    latest().serverSends({ type: 'snapshot', release: release({ kind: 'rollback' }), ...encodeFeed([stage(1, 'stage.started', 'rollback', SERVER_A)]), more: false });

    expect(live.globalStages).toEqual(['prepare']);
    // A batch's automatic switch back is not planned; its column appears once it happens.
    expect(live.targetStages).toEqual(['offline', 'switch', 'healthcheck', 'online', 'cleanup', 'rollback']);
  });

  it('opens the feed with a fresh ticket, never the session token, and applies the snapshot, then live events and release updates', async () => {
    const live = useReleaseLiveStore();
    live.connect(RELEASE_ID, factory, tickets);
    expect(live.connection).toBe('connecting');
    await settle();

    const url = new URL(latest().url);
    expect(url.pathname).toBe(`/ws/releases/${RELEASE_ID}`);
    expect(url.searchParams.get('since')).toBe('0');
    expect(url.searchParams.get('ticket')).toBe('ticket-1');
    expect(url.searchParams.has('token')).toBe(false);
    expect(latest().url).not.toContain('tok-1');

    latest().serverOpens();
    latest().serverSends({
      type: 'snapshot',
      release: release({ lastSeq: 3 }),
      // The wire form: log lines grouped per stage/target/stream in columns (first seq and time, then differences),
      // other events whole.
      events: [stage(1, 'stage.started', 'build', null), stage(3, 'stage.finished', 'build', null, { status: 'succeeded', durationMs: 1234 })],
      lines: [{ stage: 'build', target: null, stream: 'stdout', seq: [2], at: [Date.parse('2026-11-23T10:00:00.000Z')], text: ['npm ci'] }],
      more: false,
    });

    expect(live.connection).toBe('open');
    expect(live.state).toBe('running');
    expect(live.targets.map((t) => t.serverName)).toEqual(['web-1']);
    expect(live.progress).toEqual({ percent: 10, etaSeconds: 90 });
    expect(live.logs.map((e) => e.text)).toEqual(['npm ci']);
    expect(live.stageStatus('build')).toMatchObject({ status: 'succeeded', durationMs: 1234 });

    latest().serverSends({ type: 'events', ...encodeFeed([stage(4, 'stage.started', 'upload', SERVER_A), log(5, 'sent 3 MB', SERVER_A)]) });
    latest().serverSends({ type: 'release', release: release({ lastSeq: 5, state: 'paused', progress: { percent: 60, etaSeconds: 30 } }) });

    expect(live.logs.map((e) => e.seq)).toEqual([2, 5]);
    expect(live.stageStatus('upload', SERVER_A).status).toBe('running');
    expect(live.stageStatus('upload')).toMatchObject({ status: 'pending', durationMs: null });
    expect(live.stageStatus('release', SERVER_A).status).toBe('pending');
    expect(live.state).toBe('paused');
    expect(live.progress.percent).toBe(60);
    expect(live.lastSeq).toBe(5);
  });

  it('ignores duplicate and overlapping events and keeps the log ordered by seq', async () => {
    const live = await follow();
    latest().serverSends({ type: 'snapshot', release: release(), ...encodeFeed([log(1, 'a'), log(2, 'b')]), more: true });

    latest().serverSends({ type: 'events', ...encodeFeed([log(2, 'b'), log(4, 'd'), log(3, 'c')]) });
    latest().serverSends({ type: 'events', ...encodeFeed([log(1, 'a'), log(3, 'c'), log(4, 'd')]) });
    latest().serverSends({ type: 'events', ...encodeFeed([log(5, 'e')]) });

    expect(live.logs.map((e) => e.text)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(live.lastSeq).toBe(5);
  });

  it('derives skipped and failed stages with their durations', async () => {
    const live = await follow();
    latest().serverSends({
      type: 'snapshot',
      release: release(),
      ...encodeFeed([
        stage(1, 'stage.finished', 'hook:before-checkout', null, { status: 'skipped', durationMs: 0 }),
        stage(2, 'stage.started', 'healthcheck', SERVER_A),
        stage(3, 'stage.finished', 'healthcheck', SERVER_A, { status: 'failed', durationMs: 5000 }),
      ]),
      more: false,
    });

    expect(live.stageStatus('hook:before-checkout').status).toBe('skipped');
    expect(live.stageStatus('healthcheck', SERVER_A)).toMatchObject({ status: 'failed', durationMs: 5000, startedAt: '2026-11-23T10:00:00.000Z' });
  });

  it('reconnects with back-off after a drop, resuming after the last seq it applied', async () => {
    const live = await follow();
    latest().serverSends({ type: 'snapshot', release: release(), ...encodeFeed([log(1, 'a'), log(2, 'b')]), more: false });
    latest().serverSends({ type: 'events', ...encodeFeed([log(3, 'c')]) });

    latest().serverCloses(1006);
    expect(live.connection).toBe('reconnecting');
    expect(sockets).toHaveLength(1);

    await vi.advanceTimersByTimeAsync(999);
    expect(sockets).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(sockets).toHaveLength(2);
    expect(new URL(latest().url).searchParams.get('since')).toBe('3');
    // Each handshake spends its own ticket.
    expect(new URL(latest().url).searchParams.get('ticket')).toBe('ticket-2');

    // The server replays from `since`; an overlap with what we already have must not show twice.
    latest().serverSends({ type: 'snapshot', release: release(), ...encodeFeed([log(3, 'c'), log(4, 'd')]), more: false });
    expect(live.logs.map((e) => e.text)).toEqual(['a', 'b', 'c', 'd']);

    // A second drop without any message in between waits longer.
    latest().serverCloses(1006);
    latest().serverCloses(1006);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(sockets).toHaveLength(3);
    latest().serverCloses(1006);
    await vi.advanceTimersByTimeAsync(1_999);
    expect(sockets).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(1);
    expect(sockets).toHaveLength(4);
    expect(new URL(latest().url).searchParams.get('since')).toBe('4');
  });

  it('comes straight back after a too-slow close', async () => {
    await follow();
    latest().serverSends({ type: 'snapshot', release: release(), ...encodeFeed([log(7, 'x')]), more: false });

    latest().serverCloses(CLOSE_TOO_SLOW);
    await settle();

    expect(sockets).toHaveLength(2);
    expect(new URL(latest().url).searchParams.get('since')).toBe('7');
  });

  it('gives up on a release that does not exist', async () => {
    const live = await follow();

    latest().serverCloses(CLOSE_NOT_FOUND);
    await vi.advanceTimersByTimeAsync(60_000);

    expect(sockets).toHaveLength(1);
    expect(live.missing).toBe(true);
    expect(live.connection).toBe('idle');
  });

  it('does not reconnect after disconnect, and a new release starts from scratch', async () => {
    const live = await follow();
    latest().serverSends({ type: 'snapshot', release: release(), ...encodeFeed([log(1, 'a')]), more: false });
    const first = latest();

    live.disconnect();
    expect(first.closedByClient).toBe(true);
    first.serverCloses(1000);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sockets).toHaveLength(1);
    expect(live.connection).toBe('idle');

    live.connect('00000000-0000-4000-8000-000000000002', factory, tickets);
    await settle();
    expect(live.logs).toEqual([]);
    expect(live.release).toBeNull();
    expect(new URL(latest().url).searchParams.get('since')).toBe('0');
  });

  it('stops for good when the server revokes access, and asks the API whether the session itself ended', async () => {
    // The answer decides between "signed out" (a 401: the app's session handler sends the user to login) and
    // "no longer in the group" (the store says access was revoked).
    const fetchMe = vi.fn(async () => new Response(JSON.stringify({ error: { code: 'UNAUTHORIZED', message: 'ended' } }), { status: 401 }));
    vi.stubGlobal('fetch', fetchMe);
    const live = await follow();
    latest().serverSends({ type: 'snapshot', release: release(), ...encodeFeed([log(1, 'a')]), more: false });

    latest().serverCloses(CLOSE_UNAUTHORIZED);
    await vi.advanceTimersByTimeAsync(60_000);

    expect(sockets).toHaveLength(1);
    expect(ticketsIssued).toBe(1);
    expect(live.connection).toBe('revoked');
    expect(live.logs.map((e) => e.text)).toEqual(['a']);
    expect(fetchMe).toHaveBeenCalledWith('/api/auth/me', expect.anything());
  });

  it('stops when no ticket is granted, but retries a ticket request that did not reach the API', async () => {
    ticketFailure = new ApiError(0, 'NETWORK', 'offline');
    const live = useReleaseLiveStore();
    live.connect(RELEASE_ID, factory, tickets);
    await settle();
    expect(sockets).toHaveLength(0);
    expect(live.connection).toBe('reconnecting');

    ticketFailure = null;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(sockets).toHaveLength(1);

    vi.stubGlobal('fetch', vi.fn(async () => new Response('{}', { status: 401 })));
    ticketFailure = new ApiError(401, 'UNAUTHORIZED', 'session ended');
    latest().serverCloses(1006);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sockets).toHaveLength(1);
    expect(live.connection).toBe('revoked');
  });

  it('opens nothing for a ticket that arrives after the viewer left', async () => {
    const live = useReleaseLiveStore();
    live.connect(RELEASE_ID, factory, tickets);
    live.disconnect();
    await settle();

    expect(sockets).toHaveLength(0);
    expect(live.connection).toBe('idle');
  });

  it('knows each batch of the run from the feed and, while paused, which batch is done and which comes next', async () => {
    const live = await follow();
    const targets = [target(SERVER_A, 'web-01', 'succeeded'), target(SERVER_B, 'web-02', 'pending'), target(SERVER_C, 'web-03', 'pending')];
    latest().serverSends({
      type: 'snapshot',
      release: release({ state: 'paused', targets }),
      ...encodeFeed([
        runEvent(1, 'release.started', { kind: 'release', targets: [SERVER_A, SERVER_B, SERVER_C] }),
        runEvent(2, 'batch.started', { index: 0, count: 2, targets: [SERVER_A] }),
        runEvent(3, 'batch.finished', { index: 0, count: 2, failed: [] }),
        runEvent(4, 'batch.paused', { index: 1, count: 2, nextTargets: [SERVER_B, SERVER_C] }),
      ]),
      more: false,
    });

    expect(live.pause).toEqual({ done: 1, count: 2, doneTargets: [SERVER_A], nextTargets: [SERVER_B, SERVER_C] });
    expect([live.batchOf(SERVER_A), live.batchOf(SERVER_C)]).toEqual([0, 1]);
    expect(live.batches.map((b) => [b.started, b.finished])).toEqual([
      [true, true],
      [false, false],
    ]);

    // The batch's start arrives before the release's new state: the pause is over with it.
    latest().serverSends({ type: 'events', ...encodeFeed([runEvent(5, 'batch.started', { index: 1, count: 2, targets: [SERVER_B, SERVER_C] })]) });
    expect(live.state).toBe('paused');
    expect(live.pause).toBeNull();
    expect(live.batches[1]?.started).toBe(true);
  });

  it('counts progress per server: a third after the first of three, and a failed release keeps what it reached', async () => {
    const live = await follow();
    const targets = (a: string, b: string) => [target(SERVER_A, 'web-01', a), target(SERVER_B, 'web-02', b), target(SERVER_C, 'web-03', 'pending')];
    latest().serverSends({
      type: 'snapshot',
      release: release({ targets: targets('running', 'running'), progress: { percent: 50, etaSeconds: null } }),
      // The last planned stage of web-01 is done; its state only moves when the whole batch ends.
      ...encodeFeed([stage(1, 'stage.started', 'cleanup', SERVER_A), stage(2, 'stage.finished', 'cleanup', SERVER_A, { status: 'succeeded', durationMs: 5 })]),
      more: false,
    });
    expect(live.percentDone).toBe(33);

    latest().serverSends({ type: 'release', release: release({ state: 'failed', lastSeq: 3, targets: targets('succeeded', 'failed'), progress: { percent: 0, etaSeconds: null } }) });
    expect(live.percentDone).toBe(66);

    latest().serverSends({ type: 'release', release: release({ state: 'succeeded', lastSeq: 4, targets: targets('succeeded', 'succeeded') }) });
    expect(live.percentDone).toBe(100);
  });

  it('after a retry shows only the new run in the grid and remembers when the release first started', async () => {
    const live = await follow();
    latest().serverSends({
      type: 'snapshot',
      release: release({ state: 'failed', startedAt: '2026-11-23T10:05:00.000Z' }),
      ...encodeFeed([
        runEvent(1, 'release.started', { kind: 'release', targets: [SERVER_A, SERVER_B] }, '2026-11-23T10:00:00.000Z'),
        stage(2, 'stage.finished', 'build', null, { status: 'succeeded', durationMs: 10 }),
        stage(3, 'stage.finished', 'cleanup', SERVER_B, { status: 'succeeded', durationMs: 10 }),
        stage(4, 'stage.finished', 'healthcheck', SERVER_A, { status: 'failed', durationMs: 10 }),
        stage(5, 'stage.finished', 'rollback', SERVER_A, { status: 'succeeded', durationMs: 10 }),
        runEvent(6, 'release.started', { kind: 'release', targets: [SERVER_A] }, '2026-11-23T10:05:00.000Z'),
        stage(7, 'stage.started', 'prepare', null),
      ]),
      more: false,
    });

    expect(live.runs.map((r) => r.seq)).toEqual([1, 6]);
    expect(live.firstStartedAt).toBe('2026-11-23T10:00:00.000Z');
    expect(live.stageStatus('prepare').status).toBe('running');
    expect(live.stageStatus('build').status).toBe('pending');
    expect(live.stageStatus('healthcheck', SERVER_A).status).toBe('pending');
    expect(live.stageStatus('rollback', SERVER_A).status).toBe('pending');
    expect(live.targetStages).not.toContain('rollback');
    // The server the retry leaves alone keeps what it reached in the run that deployed it.
    expect(live.stageStatus('cleanup', SERVER_B).status).toBe('succeeded');
  });
});
