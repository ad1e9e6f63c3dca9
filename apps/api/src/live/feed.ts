import { encodeEvents, type FeedMessage, type StoredEvent } from '@rp/contract/feed';
import { onEvents } from '../channels.js';
import { getRelease } from '../releases/views.js';
import type { Db } from '../shared/db.js';
import type { Subscriber } from '../shared/pubsub.js';

export interface FeedClient {
  /** Receives one JSON-serialised FeedMessage, as text or as its UTF-8 bytes (one encoding shared by every viewer). */
  send(payload: string | Buffer): void;
}

interface Room {
  clients: Map<FeedClient, { lastSeq: number }>;
  cursor: number;
  /** Everything a room does runs in order, so a snapshot and the notifications around it never interleave. */
  chain: Promise<void>;
  /**
   * A refresh is queued and has not started: later notifications ride on it instead of queueing one each, so a
   * busy release costs one query and one message per viewer per round trip, not per notification.
   */
  pending?: { stateChanged: boolean };
}

const SNAPSHOT_CHUNK = 5_000;

/**
 * Events after `afterSeq`, oldest first. Plain SQL rather than the ORM's model query: this runs for every
 * notification of a busy release in every API process, and mapping thousands of rows a second through the query
 * compiler cost more CPU than everything else the feed does.
 */
function eventsAfter(db: Db, releaseId: string, afterSeq: number, limit: number): Promise<StoredEvent[]> {
  return db.$queryRaw<StoredEvent[]>`
    SELECT seq, at, type, stage, target::text AS target, stream, text, data
      FROM release_events
     WHERE release_id = ${releaseId}::uuid AND seq > ${afterSeq}
     ORDER BY seq
     LIMIT ${limit}`;
}

/**
 * Per-release live channel for WebSocket viewers of this process. A NOTIFY says "release X has events up to seq
 * N"; the room reads them once from PostgreSQL and hands them to all its viewers, each of whom only gets seqs above
 * the last it was sent: no gap, no duplicate, and one query per notification however many viewers there are.
 */
export class LiveFeed {
  #rooms = new Map<string, Room>();
  #unsubscribe: () => void;
  readonly #db: Db;
  readonly #log: { warn(msg: string): void };

  constructor({ db, subscriber, log }: { db: Db; subscriber: Subscriber; log: { warn(msg: string): void } }) {
    this.#db = db;
    this.#log = log;
    this.#unsubscribe = onEvents(subscriber, (notice) => {
      if (notice.kind === 'resync') {
        for (const id of this.#rooms.keys()) this.#refresh(id, true);
        return;
      }
      if (this.#rooms.has(notice.releaseId)) this.#refresh(notice.releaseId, notice.kind === 'state');
    });
  }

  /** Sends the snapshot (release, then every event after `since`, in chunks) and then live updates. */
  join(releaseId: string, client: FeedClient, since: number): () => void {
    let room = this.#rooms.get(releaseId);
    if (!room) {
      room = { clients: new Map(), cursor: 0, chain: Promise.resolve() };
      this.#rooms.set(releaseId, room);
    }
    const state = { lastSeq: since };
    room.clients.set(client, state);
    this.#enqueue(releaseId, async (r) => {
      const release = await getRelease({ db: this.#db }, { id: releaseId });
      let first = true;
      for (;;) {
        const rows = await eventsAfter(this.#db, releaseId, state.lastSeq, SNAPSHOT_CHUNK + 1);
        const more = rows.length > SNAPSHOT_CHUNK;
        const events = rows.slice(0, SNAPSHOT_CHUNK);
        client.send(JSON.stringify(first ? ({ type: 'snapshot', release, more, ...encodeEvents(events) } satisfies FeedMessage) : ({ type: 'events', ...encodeEvents(events) } satisfies FeedMessage)));
        first = false;
        state.lastSeq = events.at(-1)?.seq ?? state.lastSeq;
        if (!more) break;
      }
      r.cursor = Math.max(r.cursor, state.lastSeq);
    });
    return () => {
      const current = this.#rooms.get(releaseId);
      current?.clients.delete(client);
      if (current && current.clients.size === 0) this.#rooms.delete(releaseId);
    };
  }

  close(): void {
    this.#unsubscribe();
    this.#rooms.clear();
  }

  #enqueue(id: string, task: (room: Room) => Promise<void>): void {
    const room = this.#rooms.get(id);
    if (!room) return;
    room.chain = room.chain.then(() => task(room)).catch((error: Error) => this.#log.warn(`live feed for ${id}: ${error.message}`));
  }

  #refresh(id: string, stateChanged: boolean): void {
    const waiting = this.#rooms.get(id)?.pending;
    if (waiting) {
      waiting.stateChanged ||= stateChanged;
      return;
    }
    const pending = { stateChanged };
    const room = this.#rooms.get(id);
    if (room) room.pending = pending;
    this.#enqueue(id, async (room) => {
      if (room.pending === pending) room.pending = undefined;
      const before = room.cursor;
      const events: StoredEvent[] = [];
      for (;;) {
        const rows = await eventsAfter(this.#db, id, room.cursor, SNAPSHOT_CHUNK);
        events.push(...rows);
        room.cursor = rows.at(-1)?.seq ?? room.cursor;
        if (rows.length < SNAPSHOT_CHUNK) break;
      }
      const changesState = pending.stateChanged || events.some((e) => e.type !== 'log');
      const release = changesState ? Buffer.from(JSON.stringify({ type: 'release', release: await getRelease({ db: this.#db }, { id }) } satisfies FeedMessage)) : null;
      // Serialised and encoded once for every viewer that is exactly at the room's cursor, which is nearly all of them.
      const shared = events.length ? Buffer.from(JSON.stringify({ type: 'events', ...encodeEvents(events) } satisfies FeedMessage)) : null;
      for (const [client, state] of room.clients) {
        const fresh = state.lastSeq === before ? events : events.filter((e) => e.seq > state.lastSeq);
        if (fresh.length) {
          client.send(fresh === events && shared ? shared : JSON.stringify({ type: 'events', ...encodeEvents(fresh) } satisfies FeedMessage));
          state.lastSeq = fresh.at(-1)?.seq ?? state.lastSeq;
        }
        if (release) client.send(release);
      }
    });
  }
}
