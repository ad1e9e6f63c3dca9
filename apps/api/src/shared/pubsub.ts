import pg from 'pg';
import type { DbTx } from './db.js';

export type Handler = (payload: string) => void;

export interface Subscriber {
  subscribe(channel: string, handler: Handler): () => void;
  close(): Promise<void>;
}

/** Sent to every handler after the listening connection was re-established: notifications may have been missed. */
export const RESYNC = '*resync*';

/**
 * PostgreSQL LISTEN on one dedicated connection per process, fanned out to in-process handlers. This is how events
 * cross processes (a worker on one machine, viewers on API processes elsewhere) without a broker: payloads stay
 * small (ids and seqs) and subscribers read the rows they are told about.
 */
export async function createSubscriber(connectionString: string, log: { warn(msg: string): void }): Promise<Subscriber> {
  const handlers = new Map<string, Set<Handler>>();
  let client: pg.Client | null = null;
  let closed = false;
  let retryMs = 250;
  let queue: Promise<unknown> = Promise.resolve();

  const deliver = (channel: string, payload: string) => {
    for (const handler of handlers.get(channel) ?? []) {
      try {
        handler(payload);
      } catch (error) {
        log.warn(`pubsub handler for ${channel} failed: ${(error as Error).message}`);
      }
    }
  };

  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString, keepAlive: true });
    next.on('notification', (message) => deliver(message.channel, message.payload ?? ''));
    next.on('error', (error) => {
      log.warn(`LISTEN connection lost: ${error.message}`);
      void reconnect(next);
    });
    await next.connect();
    for (const channel of handlers.keys()) await next.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    client = next;
    retryMs = 250;
  };

  const reconnect = async (broken: pg.Client) => {
    if (closed || client !== broken) return;
    client = null;
    void broken.end().catch(() => undefined);
    while (!closed && !client) {
      await new Promise((resolve) => setTimeout(resolve, retryMs));
      retryMs = Math.min(retryMs * 2, 5_000);
      try {
        await connect();
        for (const channel of handlers.keys()) deliver(channel, RESYNC);
      } catch (error) {
        log.warn(`LISTEN reconnect failed: ${(error as Error).message}`);
      }
    }
  };

  await connect();
  return {
    subscribe(channel, handler) {
      let set = handlers.get(channel);
      if (!set) {
        set = new Set();
        handlers.set(channel, set);
        const listening = client;
        // One query at a time on the connection: pg does not pipeline, and LISTENs may be requested in a burst.
        queue = queue.then(() => listening?.query(`LISTEN ${pg.escapeIdentifier(channel)}`)).then(
          () => undefined,
          (error: Error) => log.warn(`LISTEN ${channel}: ${error.message}`),
        );
      }
      set.add(handler);
      return () => {
        set.delete(handler);
      };
    },
    async close() {
      closed = true;
      await client?.end().catch(() => undefined);
      client = null;
    },
  };
}

/** NOTIFY through the caller's connection: inside a transaction it is delivered only if the transaction commits. */
export async function publish(db: DbTx, channel: string, payload: string): Promise<void> {
  await db.$executeRaw`SELECT pg_notify(${channel}, ${payload})`;
}
