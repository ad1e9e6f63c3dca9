import { describeFailure, type EngineEvent, type ReleaseResult } from '@rp/deploy-engine';
import type { Prisma } from '../generated/prisma/client.js';
import type { TargetState } from '../generated/prisma/enums.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { EVENTS_CHANNEL, eventsPayload, notifyEvents } from '../channels.js';
import { transition, tryTransition } from '../releases/state-machine.js';
import type { Db } from '../shared/db.js';
import { maskDeep, type SecretMasker } from '../shared/secret-masker.js';

/** How long log lines may wait to be written together: a few ms of latency buys one INSERT per hundreds of lines. */
const FLUSH_DELAY_MS = 5;
const MAX_BATCH = 2_000;
/** Waits before storing a batch again (a busy pool, a transaction timed out, a dropped connection): 7.75 s in all. */
const RETRY_DELAYS_MS = [250, 500, 1_000, 2_000, 4_000];

const targetStateOf: Record<ReleaseResult['targets'][string]['state'], TargetState> = {
  succeeded: 'succeeded',
  failed: 'failed',
  rolled_back: 'rolled_back',
  aborted: 'aborted',
  skipped: 'skipped',
};

interface Row {
  seq: number;
  at: string;
  type: string;
  stage: string | null;
  target: string | null;
  stream: string | null;
  text: string | null;
  /** The event minus its envelope, as JSON; null for log lines, whose text is the payload. */
  data: string | null;
}

function toRow(seq: number, event: EngineEvent): Row {
  const base = { seq, at: event.at, type: event.type };
  if (event.type === 'log') return { ...base, stage: event.stage, target: event.target ?? null, stream: event.stream, text: event.text, data: null };
  const { seq: _seq, at: _at, releaseId: _id, type: _type, ...data } = event;
  const stage = 'stage' in event ? event.stage : null;
  const target = 'target' in event && typeof event.target === 'string' ? event.target : null;
  return { ...base, stage, target, stream: null, text: null, data: JSON.stringify(data) };
}

export interface RecordedRun {
  releaseId: string;
  seqBase: number;
  onStored?: (event: EngineEvent, seq: number) => Promise<void> | void;
  /** Applied to every text of every event before it is stored, and so before any viewer or table sees it. */
  mask?: SecretMasker;
  /** Told of each failed attempt to store a batch that will be tried again. */
  onRetry?: (error: Error, attempt: number) => void;
  /**
   * Told when a batch could not be stored after every retry: the database no longer says what the run does (a pause
   * it never recorded would wait forever), so the run must stop.
   */
  onLost?: (error: Error) => void;
}

/**
 * Persists a run's events in order, in batches, applies what they mean to the release and target rows, then
 * announces the new high-water seq with NOTIFY. The engine's seq restarts at 1 for every run; `seqBase` (the
 * release's lastSeq when the run began) keeps a retried release's numbering strictly increasing.
 */
export class EventRecorder {
  #queue: EngineEvent[] = [];
  #timer: NodeJS.Timeout | null = null;
  #writing: Promise<void> | null = null;
  #failure: Error | null = null;
  /** Targets of each batch, from batch.started, so batch.finished can mark the ones that made it. */
  #batches = new Map<number, string[]>();

  private readonly db: Db;
  private readonly releaseId: string;
  private readonly seqBase: number;
  private readonly onStored: (event: EngineEvent, seq: number) => Promise<void> | void;
  private readonly mask: SecretMasker;
  private readonly onRetry: (error: Error, attempt: number) => void;
  private readonly onLost: (error: Error) => void;

  constructor({ db }: { db: Db }, run: RecordedRun) {
    this.db = db;
    this.releaseId = run.releaseId;
    this.seqBase = run.seqBase;
    this.onStored = run.onStored ?? (() => undefined);
    this.mask = run.mask ?? ((text) => text);
    this.onRetry = run.onRetry ?? (() => undefined);
    this.onLost = run.onLost ?? (() => undefined);
  }

  push = (event: EngineEvent): void => {
    // A build script that echoes a secret variable, git repeating its URL, a hook's stderr in a target's error: every
    // string of the event, log line or failure alike, is masked here, the one door between a run and the database.
    this.#queue.push(event.type === 'log' ? { ...event, text: this.mask(event.text) } : maskDeep(event, this.mask));
    // While a write is in flight everything queues behind it and goes out as one batch when it ends, so batches
    // grow as the database slows down instead of piling up as many small transactions.
    if (this.#writing) return;
    this.#schedule(event.type !== 'log' || this.#queue.length >= MAX_BATCH ? 0 : FLUSH_DELAY_MS);
  };

  /** Resolves when everything pushed so far is stored; rejects with the first storage error. */
  async drain(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#write();
    while (this.#writing) await this.#writing;
    if (this.#failure) throw this.#failure;
  }

  #schedule(delay: number): void {
    if (this.#timer && delay > 0) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#write();
    }, delay);
  }

  #write(): void {
    if (this.#writing || this.#queue.length === 0) return;
    this.#writing = (async () => {
      while (this.#queue.length > 0) {
        const batch = this.#queue.splice(0, MAX_BATCH);
        try {
          await this.#storeWithRetries(batch);
        } catch (error) {
          this.#failure ??= error as Error;
          this.onLost(error as Error);
        }
      }
    })().finally(() => {
      this.#writing = null;
    });
  }

  /**
   * Events are stored in order, so a batch that failed is tried again before anything after it (which waits in the
   * queue meanwhile); a transaction that failed changed nothing, so trying again stores each event once.
   */
  async #storeWithRetries(batch: EngineEvent[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.#store(batch);
        break;
      } catch (error) {
        const delay = RETRY_DELAYS_MS[attempt - 1];
        if (delay === undefined) throw error;
        this.onRetry(error as Error, attempt);
        await sleep(delay);
      }
    }
    for (const event of batch) await this.onStored(event, this.seqBase + event.seq);
  }

  async #store(batch: EngineEvent[]): Promise<void> {
    const rows = batch.map((event) => toRow(this.seqBase + event.seq, event));
    const lastSeq = rows[rows.length - 1]?.seq ?? this.seqBase;
    const columns = [
      this.releaseId,
      rows.map((r) => r.seq),
      rows.map((r) => r.at),
      rows.map((r) => r.type),
      rows.map((r) => r.stage),
      rows.map((r) => r.target),
      rows.map((r) => r.stream),
      rows.map((r) => r.text),
      rows.map((r) => r.data),
    ];
    if (batch.every((event) => event.type === 'log')) {
      // Log lines change nothing but the log: one statement (atomic on its own) stores them, moves lastSeq and
      // queues the NOTIFY, instead of an interactive transaction's five round trips per batch.
      await this.db.$executeRawUnsafe(
        `WITH stored AS (${INSERT_EVENTS}),
              moved AS (UPDATE releases SET last_seq = $10, updated_at = now() WHERE id = $1::uuid)
         SELECT pg_notify($11, $12)`,
        ...columns,
        lastSeq,
        EVENTS_CHANNEL,
        eventsPayload(this.releaseId, lastSeq),
      );
    } else {
      await this.db.$transaction(async (tx) => {
        await tx.$executeRawUnsafe(INSERT_EVENTS, ...columns);
        for (const event of batch) {
          if (event.type === 'batch.started') this.#batches.set(event.index, event.targets);
          await applyEvent(tx, this.releaseId, event, this.#batches, this.mask);
        }
        await tx.release.update({ where: { id: this.releaseId }, data: { lastSeq } });
        await notifyEvents(tx, this.releaseId, lastSeq);
      });
    }
  }
}

/**
 * One INSERT over unnest()ed column arrays: an order of magnitude less CPU per line than createMany, which is what
 * lets one worker store thousands of log lines a second.
 */
const INSERT_EVENTS = `INSERT INTO release_events (release_id, seq, at, type, stage, target, stream, text, data)
  SELECT $1::uuid, s, a, ty, st, tg, sm, tx, d
    FROM unnest($2::int[], $3::timestamptz[], $4::text[], $5::text[], $6::uuid[], $7::text[], $8::text[], $9::jsonb[])
      AS u(s, a, ty, st, tg, sm, tx, d)`;

/** What an event changes in the release's own rows; log lines change nothing but the log. */
async function applyEvent(tx: Prisma.TransactionClient, releaseId: string, event: EngineEvent, batches: ReadonlyMap<number, string[]>, mask: SecretMasker): Promise<void> {
  switch (event.type) {
    case 'batch.finished': {
      // Recorded per batch, not only at the end: after a crash the rows must say which servers are already done.
      const done = (batches.get(event.index) ?? []).filter((t) => !event.failed.includes(t));
      await tx.releaseTarget.updateMany({ where: { releaseId, serverId: { in: done }, state: 'running' }, data: { state: 'succeeded', finishedAt: new Date(event.at) } });
      return;
    }
    case 'stage.started':
      if (event.target) {
        await tx.releaseTarget.updateMany({
          where: { releaseId, serverId: event.target },
          data: { state: 'running', stage: event.stage },
        });
        await tx.releaseTarget.updateMany({ where: { releaseId, serverId: event.target, startedAt: null }, data: { startedAt: new Date(event.at) } });
      }
      return;
    case 'target.failed':
      await tx.releaseTarget.updateMany({
        where: { releaseId, serverId: event.target },
        data: { state: 'failed', stage: event.stage, error: mask(describeFailure(event.error)).slice(0, 4000), finishedAt: new Date(event.at) },
      });
      return;
    case 'rollback.finished': {
      const rolledBack = event.targets.filter((t) => !event.failed.includes(t));
      await tx.releaseTarget.updateMany({ where: { releaseId, serverId: { in: rolledBack } }, data: { state: 'rolled_back' } });
      return;
    }
    case 'batch.paused':
      // Only a running release pauses; one reaped as interrupted meanwhile stays so, and that is no error.
      await tryTransition(tx, { id: releaseId, action: 'pause' });
      return;
    case 'hostkey.learned':
      // Trust on first use: the engine accepted a key for a server with none pinned; pin it so the next run verifies it.
      await tx.server.updateMany({
        where: { host: event.server.host, port: event.server.port, hostKeyFingerprint: null, releaseTargets: { some: { releaseId } } },
        data: { hostKeyFingerprint: event.fingerprint },
      });
      return;
    case 'release.finished':
      await finishRelease(tx, releaseId, event.result, new Date(event.at), mask);
      return;
    default:
      return;
  }
}

async function finishRelease(tx: Prisma.TransactionClient, releaseId: string, result: ReleaseResult, at: Date, mask: SecretMasker): Promise<void> {
  for (const [serverId, target] of Object.entries(result.targets)) {
    await tx.releaseTarget.updateMany({
      where: { releaseId, serverId },
      data: {
        state: targetStateOf[target.state],
        current: target.current,
        previous: target.previous,
        error: target.error ? mask(describeFailure(target.error)).slice(0, 4000) : null,
        finishedAt: at,
      },
    });
  }
  const action = result.status === 'succeeded' ? 'succeed' : result.status === 'aborted' ? 'abort' : 'fail';
  await transition(tx, {
    id: releaseId,
    action,
    data: {
      finishedAt: at,
      error: result.error ? mask(describeFailure(result.error)).slice(0, 4000) : null,
      ...(result.artifact ? { artifact: result.artifact as unknown as Prisma.InputJsonValue } : {}),
    },
  });
}
