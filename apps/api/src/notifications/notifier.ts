import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { onOutbox } from '../channels.js';
import type { Subscriber } from '../shared/pubsub.js';
import { leaseMsOf, sendChannelQueue, type QueueSettings } from './channel-queue.js';
import { expandEvents } from './expand.js';

export interface NotifierOptions extends QueueSettings {
  subscriber: Subscriber;
  log: { warn(msg: string): void };
}

/** Channels served at once by one notifier; each has its own queue, so one slow robot never holds the others. */
const PARALLEL_CHANNELS = 8;
const CUT_SHORT = 'the notifier stopped during this send (crash or kill): it may or may not have arrived, so it is not sent again by itself; resend it if it is missing';

/**
 * Delivers the notification outbox: expands new events into deliveries, then sends each channel's queue under a
 * lease (one sender per channel across all processes keeps order and rate limits). Woken by NOTIFY on commit, and by
 * polling for retries that come due and wake-ups lost while the LISTEN connection was down.
 *
 * Delivery is at most once across a crash of the notifier (a send in flight is marked `uncertain`, never repeated by
 * itself) and at least once across remote failures (a refusal, an error code, a timeout or a dead server is retried;
 * a webhook receiver can drop a repeat after a timeout by its `Idempotency-Key`).
 */
export class Notifier {
  readonly owner = `${hostname()}:${process.pid}:notifier:${randomBytes(3).toString('hex')}`;
  #serving = new Map<string, Promise<void>>();
  #cycle: Promise<void> | null = null;
  #again = false;
  #stopped = false;
  #timer: NodeJS.Timeout | null = null;
  #unsubscribe: (() => void) | null = null;

  constructor(private readonly o: NotifierOptions) {}

  start(): void {
    this.#unsubscribe = onOutbox(this.o.subscriber, () => this.poke());
    this.#timer = setInterval(() => this.poke(), Math.min(2_000, this.o.retryBaseMs));
    this.poke();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#unsubscribe?.();
    await this.#cycle;
    await Promise.all(this.#serving.values());
  }

  poke(): void {
    if (this.#stopped) return;
    if (this.#cycle) {
      this.#again = true;
      return;
    }
    this.#cycle = this.#run()
      .catch((error: unknown) => this.o.log.warn(`notifier: ${(error as Error).message}`))
      .finally(() => {
        this.#cycle = null;
        if (this.#again) {
          this.#again = false;
          this.poke();
        }
      });
  }

  async #run(): Promise<void> {
    await this.#markCutShort();
    while (!this.#stopped && (await expandEvents(this.o.db)) > 0);
    for (const channelId of await this.#dueChannels()) {
      if (this.#stopped || this.#serving.size >= PARALLEL_CHANNELS) return;
      if (!(await this.#claim(channelId))) continue;
      const serving = sendChannelQueue(this.o, channelId, this.owner)
        .catch((error: unknown) => this.o.log.warn(`notifier: channel ${channelId}: ${(error as Error).message}`))
        .finally(async () => {
          await this.o.db.notificationChannel.updateMany({ where: { id: channelId, leaseOwner: this.owner }, data: { leaseOwner: null, leaseUntil: null } }).catch(() => undefined);
          this.#serving.delete(channelId);
          this.poke();
        });
      this.#serving.set(channelId, serving);
    }
  }

  async #dueChannels(): Promise<string[]> {
    const now = new Date();
    const rows = await this.o.db.$queryRaw<{ id: string }[]>`
      SELECT c.id FROM notification_channels c
      WHERE (c.retry_at IS NULL OR c.retry_at <= ${now}) AND (c.lease_until IS NULL OR c.lease_until < ${now})
        AND EXISTS (SELECT 1 FROM notification_deliveries d WHERE d.channel_id = c.id AND d.state = 'pending')
      LIMIT ${PARALLEL_CHANNELS * 2}`;
    return rows.map((r) => r.id).filter((id) => !this.#serving.has(id));
  }

  async #claim(channelId: string): Promise<boolean> {
    const now = new Date();
    const claimed = await this.o.db.notificationChannel.updateMany({
      where: { id: channelId, OR: [{ leaseUntil: null }, { leaseUntil: { lt: now } }] },
      data: { leaseOwner: this.owner, leaseUntil: new Date(now.getTime() + leaseMsOf(this.o)) },
    });
    return claimed.count === 1;
  }

  /** A `sending` row whose channel lease ran out belongs to a notifier that died mid-send. */
  async #markCutShort(): Promise<void> {
    await this.o.db.$executeRaw`
      UPDATE notification_deliveries d SET state = 'uncertain', last_error = ${CUT_SHORT}, updated_at = now()
      FROM notification_channels c
      WHERE d.channel_id = c.id AND d.state = 'sending' AND (c.lease_until IS NULL OR c.lease_until < ${new Date()})`;
  }
}
