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

/** `revoked`: the server ended the viewer's access (signed out, disabled, removed from the group); no retry helps. */
export type ConnectionState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'revoked';

const BACKOFF_MS = [1_000, 2_000, 4_000, 8_000, 15_000, 30_000];

const PENDING: StageCell = Object.freeze({ status: 'pending', durationMs: null, startedAt: null });

const cellKey = (stage: string, target: string | null) => `${stage}\u0000${target ?? ''}`;

function finishedStatus(data: unknown): StageStatus {
  const status = (data as { status?: unknown } | null)?.status;
  return status === 'succeeded' || status === 'failed' || status === 'skipped' || status === 'aborted' ? status : 'succeeded';
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

  // The plan's order first; stages outside it (an automatic rollback of a batch) follow in the order they are seen.
  const planned = computed(() => plannedStages(release.value?.kind ?? 'release'));
  const withSeen = (plan: readonly string[], seen: string[]) => [...plan, ...seen.filter((s) => !plan.includes(s))];
  const globalStages = computed(() => withSeen(planned.value.global, seenGlobal.value));
  const targetStages = computed(() => withSeen(planned.value.perTarget, seenTarget.value));

  function stageStatus(stage: string, target: string | null = null): StageCell {
    return cells.value.get(cellKey(stage, target)) ?? PENDING;
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
    logs,
    globalStages,
    targetStages,
    stageStatus,
    applyRelease,
    connect,
    disconnect,
  };
});
