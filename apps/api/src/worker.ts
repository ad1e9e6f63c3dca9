import closeWithGrace from 'close-with-grace';
import { pino } from 'pino';
import { loadConfig } from './config.js';
import { resolveDatabase } from './db/database-url.js';
import { applyMigrations } from './db/migrate.js';
import { createPlatformTransport } from './plugins/app/ssh.js';
import { createReleaseWorker } from './runs/worker.js';
import { createDb } from './shared/db.js';
import { deriveKey, dropSecretsFromEnvironment, loadMasterKey } from './shared/master-key.js';
import { createSubscriber } from './shared/pubsub.js';
import { createSecretBox } from './shared/secret-box.js';

/**
 * `pnpm worker`: a process that only runs releases. Start any number of them beside API processes started with
 * WORKER_ENABLED=false; they share the queue in PostgreSQL. It needs the same DATABASE_URL and SECRET_KEY as the API.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  dropSecretsFromEnvironment();
  const logger = pino({ level: config.logLevel, base: { role: 'worker' } });
  const log = { info: (m: string) => logger.info(m), warn: (m: string) => logger.warn(m) };
  const database = await resolveDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, embeddedPort: config.embeddedPgPort, log });
  await applyMigrations(database.url, { log });
  const db = createDb(database.url);
  const masterKey = await loadMasterKey({ secretKey: config.secretKey, dataDir: config.dataDir });
  const subscriber = await createSubscriber(database.url, logger);
  // No Fastify app here to own `app.ssh`: this process builds the same transport itself.
  const transport = createPlatformTransport(config);
  const worker = createReleaseWorker({ config, db, subscriber, secrets: createSecretBox(deriveKey(masterKey, 'credentials')), transport, log: logger });
  await worker.start();
  logger.info(`worker ${worker.id} started`);

  closeWithGrace({ delay: 60_000 }, async ({ signal, err }) => {
    if (err) logger.error({ err }, 'worker stopping after an error');
    else logger.info(`${signal} received, aborting running releases at a safe point`);
    await worker.stop({ abortRunning: true });
    transport.close?.();
    await subscriber.close();
    await db.$disconnect();
    await database.stop();
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`release-platform worker failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
