import type { FastifyInstance } from 'fastify';
import type { Db } from '../../shared/db.js';
import { createSubscriber, type Subscriber } from '../../shared/pubsub.js';

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
    /** LISTEN/NOTIFY fan-out: how live release events reach this process from whichever worker runs them. */
    subscriber: Subscriber;
  }
}

/** The caller's Prisma client (the caller disconnects it) and this app's own LISTEN connection, closed with the app. */
export async function registerDb(app: FastifyInstance, deps: { db: Db; databaseUrl: string }): Promise<void> {
  app.decorate('db', deps.db);
  const subscriber = await createSubscriber(deps.databaseUrl, app.log);
  app.decorate('subscriber', subscriber);
  app.addHook('onClose', async () => subscriber.close());
}
