import { computed, ref, shallowRef, triggerRef } from 'vue';
import { defineStore } from 'pinia';
import { CLOSE_NOT_FOUND, CLOSE_TOO_SLOW, CLOSE_UNAUTHORIZED } from '@rp/contract/feed';
import { plannedStages } from '@rp/contract/stages';
import { ApiError } from '@/api/http';
import { decodeFeedEvents, issueWsTicket, releaseSocketUrl, type FeedMessage, type Release, type ReleaseEvent } from '@/api/releases';
import { useAuthStore } from './auth';

/** The part of the browser WebSocket the store uses, so tests can hand in a fake. */
export interface LiveSocket {
  onopen: ((ev: Event) => void) | null;
  onmessage: ((ev: MessageEvent) => void) | null;
  onclose: ((ev: CloseEvent) => void) | null;
  close(code?: number, reason?: string): void;
}

export type SocketFactory = (url: string) => LiveSocket;

/** Hands out a single-use ticket for one handshake; tests hand in a fake. */
export type TicketSource = () => Promise<string>;

export type StageStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'skipped' | 'aborted';

export interface StageCell {
  status: StageStatus;
  durationMs: number | null;
  startedAt: string | null;
}

/** One run of the release: the first, then one per retry; `targets` are the servers that run deploys. */
export interface RunStart {
  seq: number;
  at: string;
  targets: string[];
}

/**
 * A batch of the current run as the feed announced it: `started` once it began, `finished` once it ended. The batch
 * a pause waits to start is known (its targets) but not started.
 */
export interface BatchInfo {
  index: number;
  count: number;
  targets: string[];
  started: boolean;
  finished: boolean;
}

/** A release waiting between batches for someone to continue: the batch that is done and the one that comes next. */
export interface BatchPause {
  /** 1-based number of the batch that finished. */
  done: number;
  count: number;
  doneTargets: string[];
  nextTargets: string[];
}

/** `revoked`: the server ended the viewer's access (signed out, disabled, removed from the group); no retry helps. */
export type ConnectionState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'revoked';

const BACKOFF_MS = [1_000, 2_000, 4_000, 8_000, 15_000, 30_000];

const PENDING: StageCell = Object.freeze({ status: 'pending', durationMs: null, startedAt: null });

const cellKey = (stage: string, target: string | null) => `${stage}\u0000${target ?? ''}`;
const keyParts = (key: string) => {
  const [stage = '', target = ''] = key.split('\u0000');
  return { stage, target: target || null };
};

/** Target states of a server whose run is over, whatever the outcome; a skipped one never ran. */
const ENDED_TARGET = new Set(['succeeded', 'failed', 'rolled_back', 'aborted']);

function finishedStatus(data: unknown): StageStatus {
  const status = (data as { status?: unknown } | null)?.status;
  return status === 'succeeded' || status === 'failed' || status === 'skipped' || status === 'aborted' ? status : 'succeeded';
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function batchData(data: unknown): { index: number; count: number; targets: string[] } | null {
  const d = data as { index?: unknown; count?: unknown; targets?: unknown; nextTargets?: unknown } | null;
  if (typeof d?.index !== 'number' || typeof d.count !== 'number') return null;
  return { index: d.index, count: d.count, targets: stringList(d.targets ?? d.nextTargets) };
}

function finishedDuration(data: unknown): number | null {
  const ms = (data as { durationMs?: unknown } | null)?.durationMs;
  return typeof ms === 'number' ? ms : null;
}

const defaultFactory: SocketFactory = (url) => new WebSocket(url);

/**
 * Owns the one live channel of the release being viewed. The feed may repeat events around a reconnect, so
 * everything at or below the last applied seq is dropped: the log never shows a line twice or out of order.
 */
export const useReleaseLiveStore = defineStore('release-live', () => {
  const releaseId = ref<string | null>(null);
  const release = ref<Release | null>(null);
  const connection = ref<ConnectionState>('idle');
  const lastSeq = ref(0);
  const missing = ref(false);
  // Thousands of log lines: kept out of deep reactivity and re-announced once per message.
  const logs = shallowRef<ReleaseEvent[]>([]);
  const cells = shallowRef(new Map<string, StageCell>());
  const seenGlobal = ref<string[]>([]);
  const seenTarget = ref<string[]>([]);
  const runs = ref<RunStart[]>([]);
  const batches = ref<BatchInfo[]>([]);
  /** The index of the batch the last `batch.paused` waits to start, until that batch starts. */
  const waitingFor = ref<number | null>(null);

  let socket: LiveSocket | null = null;
  let createSocket: SocketFactory = defaultFactory;
  let fetchTicket: TicketSource = issueWsTicket;
  /** Bumped by every connect and disconnect: a ticket that arrives for an older one opens nothing. */
  let generation = 0;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let attempt = 0;

  const state = computed(() => release.value?.state ?? null);
  const targets = computed(() => release.value?.targets ?? []);
  const progress = computed(() => release.value?.progress ?? { percent: 0, etaSeconds: null });
  /** When the release first started: a retry's run starts later, and the release's `startedAt` may follow it. */
  const firstStartedAt = computed(() => runs.value[0]?.at ?? release.value?.startedAt ?? null);

  // The plan's order first; stages outside it (an automatic rollback of a batch) follow in the order they are seen.
  const planned = computed(() => plannedStages(release.value?.kind ?? 'release'));
  const withSeen = (plan: readonly string[], seen: string[]) => [...plan, ...seen.filter((s) => !plan.includes(s))];
  const globalStages = computed(() => withSeen(planned.value.global, seenGlobal.value));
  const targetStages = computed(() => withSeen(planned.value.perTarget, seenTarget.value));

  function stageStatus(stage: string, target: string | null = null): StageCell {
    return cells.value.get(cellKey(stage, target)) ?? PENDING;
  }

  /**
   * Share of the servers that are through, counted per server rather than per stage: after the first of three it
   * says a third. A server is through once its target state has ended or its last planned stage finished (the state
   * itself only changes when its whole batch ends). A failed release keeps the share it reached.
   */
  const percentDone = computed(() => {
    if (state.value === 'succeeded') return 100;
    const all = targets.value;
    if (all.length === 0) return 0;
    const last = planned.value.perTarget[planned.value.perTarget.length - 1] ?? '';
    const through = all.filter((t) => {
      const cell = stageStatus(last, t.serverId).status;
      return ENDED_TARGET.has(t.state) || (cell !== 'pending' && cell !== 'running');
    });
    return Math.floor((through.length / all.length) * 100);
  });

  /** The 0-based batch of the current run a server is in, once the feed has named it. */
  function batchOf(serverId: string): number | null {
    return batches.value.find((b) => b.targets.includes(serverId))?.index ?? null;
  }

  const batchCount = computed(() => batches.value[0]?.count ?? 0);

  const pause = computed<BatchPause | null>(() => {
    if (state.value !== 'paused' || waitingFor.value === null) return null;
    const next = batches.value.find((b) => b.index === waitingFor.value);
    const done = batches.value.find((b) => b.index === (waitingFor.value ?? 0) - 1);
    if (!next) return null;
    return { done: next.index, count: next.count, doneTargets: done?.targets ?? [], nextTargets: next.targets };
  });

  function noteBatch(data: unknown, change: Partial<Pick<BatchInfo, 'started' | 'finished'>>): BatchInfo | null {
    const seen = batchData(data);
    if (!seen) return null;
    const known = batches.value.find((b) => b.index === seen.index);
    if (known) {
      Object.assign(known, seen.targets.length ? { targets: seen.targets } : {}, change);
      return known;
    }
    const added = { ...seen, started: false, finished: false, ...change };
    batches.value.push(added);
    batches.value.sort((a, b) => a.index - b.index);
    return added;
  }

  /**
   * A retry runs again on the servers that did not succeed: their cells and the global ones start over, so the grid
   * shows this run only (an earlier run's automatic rollback must not stay green beside it).
   */
  function startRun(run: RunStart): void {
    runs.value.push(run);
    batches.value = [];
    waitingFor.value = null;
    if (runs.value.length === 1) return;
    const rerun = new Set(run.targets);
    for (const key of [...cells.value.keys()]) {
      const { target } = keyParts(key);
      if (target === null || rerun.has(target)) cells.value.delete(key);
    }
    const stages = [...cells.value.keys()].map(keyParts);
    seenGlobal.value = seenGlobal.value.filter((s) => stages.some((c) => c.stage === s && c.target === null));
    seenTarget.value = seenTarget.value.filter((s) => stages.some((c) => c.stage === s && c.target !== null));
  }

  function noteStage(stage: string, target: string | null): void {
    const list = target ? seenTarget : seenGlobal;
    if (!list.value.includes(stage)) list.value.push(stage);
  }

  function applyEvents(fresh: ReleaseEvent[]): void {
    let logsChanged = false;
    let cellsChanged = false;
    // A snapshot brings thousands of events: the reactive seq is written once, not once per line.
    let seen = lastSeq.value;
    for (const event of fresh) {
      if (event.seq <= seen) continue;
      seen = event.seq;
      if (event.type === 'log') {
        logs.value.push(event);
        logsChanged = true;
      } else if ((event.type === 'stage.started' || event.type === 'stage.finished') && event.stage) {
        const key = cellKey(event.stage, event.target);
        const started = event.type === 'stage.started';
        cells.value.set(key, {
          status: started ? 'running' : finishedStatus(event.data),
          durationMs: started ? null : finishedDuration(event.data),
          startedAt: started ? event.at : (cells.value.get(key)?.startedAt ?? null),
        });
        noteStage(event.stage, event.target);
        cellsChanged = true;
      } else if (event.type === 'release.started') {
        startRun({ seq: event.seq, at: event.at, targets: stringList((event.data as { targets?: unknown } | null)?.targets) });
        cellsChanged = true;
      } else if (event.type === 'batch.started') {
        const batch = noteBatch(event.data, { started: true });
        if (batch && batch.index === waitingFor.value) waitingFor.value = null;
      } else if (event.type === 'batch.finished') {
        noteBatch(event.data, { finished: true });
      } else if (event.type === 'batch.paused') {
        waitingFor.value = noteBatch(event.data, {})?.index ?? null;
      }
    }
    lastSeq.value = seen;
    if (logsChanged) triggerRef(logs);
    if (cellsChanged) triggerRef(cells);
  }

  /** Takes a release from the feed or from an action's answer, whichever is newer. */
  function applyRelease(next: Release): void {
    if (next.id !== releaseId.value) return;
    if (release.value && next.lastSeq < release.value.lastSeq) return;
    release.value = next;
  }

  function onMessage(raw: unknown): void {
    if (typeof raw !== 'string') return;
    let message: FeedMessage;
    try {
      message = JSON.parse(raw) as FeedMessage;
    } catch {
      return;
    }
    if (message.type === 'snapshot') {
      attempt = 0;
      applyEvents(decodeFeedEvents(message));
      release.value = message.release;
    } else if (message.type === 'events') {
      applyEvents(decodeFeedEvents(message));
    } else if (message.type === 'release') {
      applyRelease(message.release);
    }
  }

  function backoff(): number {
    return BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)] ?? 30_000;
  }

  /** Access is gone for good. If the session itself ended, asking who we are gets the 401 that sends us to login. */
  function revoked(): void {
    connection.value = 'revoked';
    void useAuthStore()
      .fetchMe()
      .catch(() => undefined);
  }

  async function open(): Promise<void> {
    const id = releaseId.value;
    if (!id) return;
    const current = generation;
    connection.value = attempt === 0 ? 'connecting' : 'reconnecting';
    let ticket: string;
    try {
      ticket = await fetchTicket();
    } catch (error) {
      if (current !== generation) return;
      if (error instanceof ApiError && (error.status === 401 || error.status === 403)) revoked();
      else scheduleReconnect(backoff());
      return;
    }
    if (current !== generation) return;
    const ws = createSocket(releaseSocketUrl(id, lastSeq.value, ticket));
    socket = ws;
    ws.onopen = () => {
      if (socket === ws) connection.value = 'open';
    };
    ws.onmessage = (ev) => {
      if (socket === ws) onMessage(ev.data);
    };
    ws.onclose = (ev) => {
      if (socket !== ws) return;
      socket = null;
      if (ev.code === CLOSE_NOT_FOUND) {
        missing.value = true;
        connection.value = 'idle';
        return;
      }
      if (ev.code === CLOSE_UNAUTHORIZED) {
        revoked();
        return;
      }
      scheduleReconnect(ev.code === CLOSE_TOO_SLOW ? 0 : backoff());
    };
  }

  function scheduleReconnect(delay: number): void {
    attempt += 1;
    connection.value = 'reconnecting';
    retryTimer = setTimeout(() => {
      retryTimer = null;
      void open();
    }, delay);
  }

  function disconnect(): void {
    generation += 1;
    if (retryTimer) clearTimeout(retryTimer);
    retryTimer = null;
    const ws = socket;
    socket = null;
    ws?.close(1000, 'viewer left');
    connection.value = 'idle';
  }

  /** Follows one release; calling it for another release drops everything of the previous one. */
  function connect(id: string, factory: SocketFactory = defaultFactory, tickets: TicketSource = issueWsTicket): void {
    disconnect();
    createSocket = factory;
    fetchTicket = tickets;
    releaseId.value = id;
    release.value = null;
    lastSeq.value = 0;
    missing.value = false;
    logs.value = [];
    cells.value = new Map();
    seenGlobal.value = [];
    seenTarget.value = [];
    runs.value = [];
    batches.value = [];
    waitingFor.value = null;
    attempt = 0;
    void open();
  }

  return {
    releaseId,
    release,
    connection,
    lastSeq,
    missing,
    state,
    targets,
    progress,
    percentDone,
    firstStartedAt,
    runs,
    batches,
    batchCount,
    batchOf,
    pause,
    logs,
    globalStages,
    targetStages,
    stageStatus,
    applyRelease,
    connect,
    disconnect,
  };
});
