import type { FastifyInstance } from 'fastify';
import { ReadPool } from './read-pool.js';
import type { Db } from '../../shared/db.js';
import { createSubscriber, type Subscriber } from '../../shared/pubsub.js';

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
    /** LISTEN/NOTIFY fan-out: how live release events reach this process from whichever worker runs them. */
    subscriber: Subscriber;
    /** Plain SQL for the few hot reads where Prisma's own cost per query dominates: see ReadPool. */
    reads: ReadPool;
  }
}

/** The caller's Prisma client (the caller disconnects it) and this app's own LISTEN connection and read pool, closed with the app. */
export async function registerDb(app: FastifyInstance, deps: { db: Db; databaseUrl: string }): Promise<void> {
  app.decorate('db', deps.db);
  const subscriber = await createSubscriber(deps.databaseUrl, app.log);
  app.decorate('subscriber', subscriber);
  const reads = new ReadPool(deps.databaseUrl, app.log);
  app.decorate('reads', reads);
  app.addHook('onClose', async () => {
    await subscriber.close();
    await reads.close();
  });
}
