import type { EventView, ReleaseView } from './releases.js';

/**
 * The live channel's wire format. Log lines are the bulk of it (thousands a second, to every viewer), so they
 * travel grouped by (stage, target, stream) in columns: `seq` and `at` (epoch ms) as a first value followed by
 * differences (mostly `1` and a few ms), and `text`. That is about a fifth of the bytes of one object per line and
 * no object or array per line for the viewer's JSON parser to build. Other events travel as they are stored.
 */
export type { EventView };

/** An event as stored (`at` straight from the database), before it is put on the wire. */
export type StoredEvent = Omit<EventView, 'at'> & { at: Date };

export interface LineGroup {
  stage: string | null;
  target: string | null;
  stream: string | null;
  /** First seq, then each line's difference from the one before. */
  seq: number[];
  /** First epoch ms, then differences. */
  at: number[];
  text: string[];
}

export interface EncodedEvents {
  events: EventView[];
  lines: LineGroup[];
}

export function encodeEvents(all: readonly StoredEvent[]): EncodedEvents {
  const events: EventView[] = [];
  const lines: LineGroup[] = [];
  let group: LineGroup | null = null;
  let lastSeq = 0;
  let lastAt = 0;
  for (const e of all) {
    if (e.type !== 'log') {
      events.push({ ...e, at: e.at.toISOString() });
      continue;
    }
    const atMs = e.at.getTime();
    if (!group || group.stage !== e.stage || group.target !== e.target || group.stream !== e.stream) {
      group = { stage: e.stage, target: e.target, stream: e.stream, seq: [e.seq], at: [atMs], text: [] };
      lines.push(group);
    } else {
      group.seq.push(e.seq - lastSeq);
      group.at.push(atMs - lastAt);
    }
    group.text.push(e.text ?? '');
    lastSeq = e.seq;
    lastAt = atMs;
  }
  return { events, lines };
}

/** The inverse: one list ordered by seq, log lines back in the shape `GET /api/releases/:id/logs` returns them. */
export function decodeEvents(encoded: EncodedEvents): EventView[] {
  const out: EventView[] = [...encoded.events];
  for (const g of encoded.lines) {
    let seq = 0;
    let atMs = 0;
    g.text.forEach((text, i) => {
      seq = i === 0 ? (g.seq[0] ?? 0) : seq + (g.seq[i] ?? 0);
      atMs = i === 0 ? (g.at[0] ?? 0) : atMs + (g.at[i] ?? 0);
      out.push({ seq, at: new Date(atMs).toISOString(), type: 'log', stage: g.stage, target: g.target, stream: g.stream, text, data: null });
    });
  }
  return out.sort((a, b) => a.seq - b.seq);
}

/** What `/ws/releases/:id` sends: a snapshot first (`more` while older lines follow), then events and state changes. */
export type FeedMessage =
  | ({ type: 'snapshot'; release: ReleaseView; more: boolean } & EncodedEvents)
  | ({ type: 'events' } & EncodedEvents)
  | { type: 'release'; release: ReleaseView };

/**
 * What `/ws/environments/:id/servers/:serverId/service/logs` sends: the host's log lines as they are written (secrets
 * masked, grouped a fraction of a second at a time), then `ended` once, when following stopped on the server's side
 * (the tail exited, the connection failed, the time limit); the socket closes after it.
 */
export type ServiceLogMessage =
  | { type: 'lines'; stream: 'stdout' | 'stderr'; text: string[] }
  | { type: 'ended'; reason: ServiceLogEnd; message: string };

/**
 * Why following stopped: `time-limit` (it ran its 30 minutes; follow again to go on), `exited` (the tail command
 * ended), `connection-lost`, `unreachable` (no connection: `message` says why).
 */
export type ServiceLogEnd = 'time-limit' | 'exited' | 'connection-lost' | 'unreachable';

/** The server closes a viewer whose socket buffer overflows; it should come straight back with `?since=`. */
export const CLOSE_TOO_SLOW = 4008;
/** The release does not exist (or was deleted): asking again cannot help. */
export const CLOSE_NOT_FOUND = 4404;
/** The viewer's session, token or group access ended: reconnecting cannot help until the user signs in again. */
export const CLOSE_UNAUTHORIZED = 4401;

/**
 * Browsers cannot set headers on a WebSocket handshake, and a credential in the URL ends up in access logs. A viewer
 * either opens `?ticket=` (from `POST /api/ws-ticket`) or offers the subprotocols `[FEED_PROTOCOL, BEARER_PROTOCOL_PREFIX
 * + token]`; the server answers with FEED_PROTOCOL, never echoing the token.
 */
export const FEED_PROTOCOL = 'rp.v1';
export const BEARER_PROTOCOL_PREFIX = 'bearer.';
