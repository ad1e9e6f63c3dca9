import type { NotificationKind } from '@rp/contract/notifications';
import type { PrivateHosts } from '../projects/git-policy.js';
import type { Db } from '../shared/db.js';
import type { SecretBox } from '../shared/secret-box.js';
import { deliveryMessage, digestMessage, type QueuedDelivery } from './delivery-message.js';
import type { NotificationMessage, SendResult } from './message.js';
import { DIGEST_MAX, PER_MINUTE, RATE_WINDOW_MS } from './rate-limits.js';
import { sendToChannel } from './send.js';
import { loadChannel } from './service.js';

export interface QueueSettings {
  db: Db;
  secrets: SecretBox;
  publicUrl: string | null;
  privateHosts: PrivateHosts;
  /** Per call to a channel: a slower answer is a failed attempt. */
  timeoutMs: number;
  /** The first retry waits this long, each next one twice as long. */
  retryBaseMs: number;
  maxAttempts: number;
}

/** Long enough for one send with every one of nodemailer's phase timeouts, renewed before each send. */
export const leaseMsOf = (s: Pick<QueueSettings, 'timeoutMs'>) => s.timeoutMs * 3 + 5_000;
export const backoffMs = (s: Pick<QueueSettings, 'retryBaseMs'>, attempts: number) => s.retryBaseMs * 2 ** Math.max(0, attempts - 1);

/**
 * Whether the channel's rate limit lets a message go now: `wait` until a slot frees, `merge` when this is the last slot
 * of the window and more are waiting (they go as one digest), or `one`.
 */
async function budget(s: QueueSettings, channelId: string, kind: NotificationKind, waiting: number): Promise<{ wait: Date } | 'merge' | 'one'> {
  const limit = PER_MINUTE[kind];
  if (limit === null) return 'one';
  const since = new Date(Date.now() - RATE_WINDOW_MS);
  const recent = await s.db.notificationDelivery.findMany({ where: { channelId, state: 'sent', sentAt: { gt: since } }, select: { sentAt: true }, orderBy: { sentAt: 'asc' } });
  const left = limit - recent.length;
  if (left <= 0) return { wait: new Date(recent[0]!.sentAt!.getTime() + RATE_WINDOW_MS) };
  return left === 1 && waiting > 1 ? 'merge' : 'one';
}

async function attempt(s: QueueSettings, channelId: string, build: () => Promise<NotificationMessage>): Promise<SendResult> {
  try {
    const { config } = await loadChannel(s.db, s.secrets, channelId);
    return await sendToChannel(config, await build(), { timeoutMs: s.timeoutMs, privateHosts: s.privateHosts });
  } catch (error) {
    // A stored channel that no longer validates, or a bug: the attempt fails like a refusal instead of stalling the queue.
    return { ok: false, answer: `not sent: ${(error as Error).message}`.slice(0, 2000) };
  }
}

/**
 * Sends one channel's queue in order while this notifier holds the channel's lease. Each send is marked `sending`
 * (with its attempt counted) before the call, so a crash during the call leaves a row the next notifier marks
 * `uncertain` instead of sending it again. A failure holds the whole queue (in order) until the backoff ends; the
 * last allowed failure marks the message `failed` and lets the next one go.
 */
export async function sendChannelQueue(s: QueueSettings, channelId: string, owner: string): Promise<void> {
  const { db } = s;
  for (;;) {
    const now = new Date();
    const renewed = await db.notificationChannel.updateMany({ where: { id: channelId, leaseOwner: owner }, data: { leaseUntil: new Date(now.getTime() + leaseMsOf(s)) } });
    if (renewed.count === 0) return;
    const channel = await db.notificationChannel.findUnique({ where: { id: channelId }, select: { kind: true, retryAt: true } });
    if (!channel || (channel.retryAt && channel.retryAt > now)) return;
    const waiting: QueuedDelivery[] = await db.notificationDelivery.findMany({
      where: { channelId, state: 'pending' },
      orderBy: { id: 'asc' },
      take: DIGEST_MAX,
      select: { id: true, userId: true, locale: true, emails: true, mobiles: true, attempts: true, event: { select: { type: true, facts: true } } },
    });
    const head = waiting[0];
    if (!head) return;
    const room = await budget(s, channelId, channel.kind as NotificationKind, waiting.length);
    if (typeof room === 'object') {
      await db.$transaction([
        db.notificationChannel.update({ where: { id: channelId }, data: { retryAt: room.wait } }),
        db.notificationDelivery.update({ where: { id: head.id }, data: { nextAttemptAt: room.wait } }),
      ]);
      return;
    }
    const batch = room === 'merge' ? waiting : [head];
    const rest = batch.slice(1).map((d) => d.id);
    const { attempts } = await db.notificationDelivery.update({ where: { id: head.id }, data: { state: 'sending', attempts: { increment: 1 }, nextAttemptAt: now } });
    if (rest.length > 0) await db.notificationDelivery.updateMany({ where: { id: { in: rest } }, data: { state: 'sending' } });
    const result = await attempt(s, channelId, () => (batch.length > 1 ? Promise.resolve(digestMessage(batch, s.publicUrl)) : deliveryMessage(db, head, { kind: channel.kind, publicUrl: s.publicUrl })));
    const at = new Date();
    if (result.ok) {
      await db.$transaction([
        db.notificationDelivery.update({ where: { id: head.id }, data: { state: 'sent', sentAt: at, answer: result.answer, lastError: null } }),
        db.notificationDelivery.updateMany({ where: { id: { in: rest } }, data: { state: 'merged', mergedIntoId: head.id, sentAt: at, answer: result.answer } }),
        db.notificationChannel.update({ where: { id: channelId }, data: { retryAt: null } }),
      ]);
      continue;
    }
    const exhausted = attempts >= s.maxAttempts;
    const retryAt = exhausted ? null : new Date(at.getTime() + backoffMs(s, attempts));
    await db.$transaction([
      db.notificationDelivery.update({
        where: { id: head.id },
        data: { state: exhausted ? 'failed' : 'pending', lastError: result.answer, answer: result.answer, nextAttemptAt: retryAt ?? at },
      }),
      db.notificationDelivery.updateMany({ where: { id: { in: rest } }, data: { state: 'pending' } }),
      db.notificationChannel.update({ where: { id: channelId }, data: { retryAt } }),
    ]);
    if (!exhausted) return;
  }
}
