import { EventEmitter } from 'node:events';
import type { DbTx } from './shared/db.js';
import { publish, RESYNC, type Subscriber } from './shared/pubsub.js';

/**
 * Every PostgreSQL LISTEN/NOTIFY channel of the platform, with the only code that writes or reads their payloads.
 * Payloads stay small (ids and seqs): a listener reads the rows it is told about.
 */

/** "release X has stored events up to seq N" (`<id>:<seq>`), or "release X changed state" (`<id>:state`). */
export const EVENTS_CHANNEL = 'release_events';
/** A release was queued: idle workers try to claim. The payload (the release id) is informational. */
export const QUEUE_CHANNEL = 'release_queue';
/** An abort or "continue" was recorded for a release: the worker running it applies it. */
export const CONTROL_CHANNEL = 'release_control';

/** What a listener on the events channel learns; `resync` means notifications may have been missed. */
export type EventsNotice = { kind: 'resync' } | { kind: 'events'; releaseId: string; lastSeq: number } | { kind: 'state'; releaseId: string };
export type ControlNotice = { kind: 'resync' } | { kind: 'release'; releaseId: string };

/** The events channel's payload on its own, for a NOTIFY issued inside a larger SQL statement. */
export function eventsPayload(releaseId: string, lastSeq: number): string {
  return `${releaseId}:${lastSeq}`;
}

export async function notifyEvents(db: DbTx, releaseId: string, lastSeq: number): Promise<void> {
  await publish(db, EVENTS_CHANNEL, eventsPayload(releaseId, lastSeq));
}

export async function notifyStateChanged(db: DbTx, releaseId: string): Promise<void> {
  await publish(db, EVENTS_CHANNEL, `${releaseId}:state`);
}

export async function notifyQueued(db: DbTx, releaseId: string): Promise<void> {
  await publish(db, QUEUE_CHANNEL, releaseId);
}

export async function notifyControl(db: DbTx, releaseId: string): Promise<void> {
  await publish(db, CONTROL_CHANNEL, releaseId);
}

export function parseEventsNotice(payload: string): EventsNotice | null {
  if (payload === RESYNC) return { kind: 'resync' };
  const colon = payload.indexOf(':');
  if (colon < 0) return null;
  const releaseId = payload.slice(0, colon);
  const rest = payload.slice(colon + 1);
  if (rest === 'state') return { kind: 'state', releaseId };
  const lastSeq = Number(rest);
  return Number.isInteger(lastSeq) ? { kind: 'events', releaseId, lastSeq } : null;
}

export function parseControlNotice(payload: string): ControlNotice {
  return payload === RESYNC ? { kind: 'resync' } : { kind: 'release', releaseId: payload };
}

export function onEvents(subscriber: Subscriber, handler: (notice: EventsNotice) => void): () => void {
  return subscriber.subscribe(EVENTS_CHANNEL, (payload) => {
    const notice = parseEventsNotice(payload);
    if (notice) handler(notice);
  });
}

/** Something was written to the notification outbox, or a delivery became due again: the notifier looks. */
export const OUTBOX_CHANNEL = 'notification_outbox';

export async function notifyOutbox(db: DbTx): Promise<void> {
  await publish(db, OUTBOX_CHANNEL, '');
}

export function onOutbox(subscriber: Subscriber, handler: () => void): () => void {
  return subscriber.subscribe(OUTBOX_CHANNEL, () => handler());
}

export function onQueued(subscriber: Subscriber, handler: () => void): () => void {
  return subscriber.subscribe(QUEUE_CHANNEL, () => handler());
}

export function onControl(subscriber: Subscriber, handler: (notice: ControlNotice) => void): () => void {
  return subscriber.subscribe(CONTROL_CHANNEL, (payload) => handler(parseControlNotice(payload)));
}

/**
 * Someone's access may have shrunk (disabled, logged out, token revoked, removed from a group): live viewers
 * re-check their sockets. The payload is a user id, or `*` for a change that touches many users (a group deleted).
 */
export const ACCESS_CHANNEL = 'access_changed';
const EVERYONE = '*';

export type AccessNotice = { kind: 'all' } | { kind: 'user'; userId: string };

/**
 * The notice reaches other processes on commit; this process hears of it at once as well, so a caller's next
 * request here never meets access that was just taken away.
 */
const localAccess = new EventEmitter();
localAccess.setMaxListeners(0);

export async function notifyAccessChanged(db: DbTx, userId: string | null): Promise<void> {
  localAccess.emit('changed', userId);
  await publish(db, ACCESS_CHANNEL, userId ?? EVERYONE);
}

export function onLocalAccessChange(handler: (userId: string | null) => void): () => void {
  localAccess.on('changed', handler);
  return () => localAccess.off('changed', handler);
}

export function onAccessChanged(subscriber: Subscriber, handler: (notice: AccessNotice) => void): () => void {
  return subscriber.subscribe(ACCESS_CHANNEL, (payload) => handler(payload === RESYNC || payload === EVERYONE ? { kind: 'all' } : { kind: 'user', userId: payload }));
}
