import closeWithGrace from 'close-with-grace';
import { pino } from 'pino';
import { buildApp } from './app.js';
import { createPasswordHasher } from './shared/passwords.js';
import { ensureAdmin } from './bootstrap/admin.js';
import { ConfigError, loadConfig } from './config.js';
import { resolveDatabase } from './db/database-url.js';
import { applyMigrations } from './db/migrate.js';
import { createDb } from './shared/db.js';
import { dropSecretsFromEnvironment, loadMasterKey } from './shared/master-key.js';

async function main(): Promise<void> {
  const config = loadConfig();
  dropSecretsFromEnvironment();
  const logger = pino({ level: config.logLevel });
  const log = { info: (m: string) => logger.info(m), warn: (m: string) => logger.warn(m) };

  const database = await resolveDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, embeddedPort: config.embeddedPgPort, log });
  await applyMigrations(database.url, { log });
  const db = createDb(database.url);
  const masterKey = await loadMasterKey({ secretKey: config.secretKey, dataDir: config.dataDir });
  const hasher = createPasswordHasher(config.passwordHashRounds);
  const app = await buildApp({ config, db, databaseUrl: database.url, masterKey, hasher, logger });
  app.addHook('onClose', async () => {
    await db.$disconnect();
    await database.stop();
  });

  await ensureAdmin({ db, hasher, log: app.log }, { password: config.adminPassword });
  await app.listen({ host: config.host, port: config.port });

  closeWithGrace({ delay: 15_000 }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'shutting down after an error');
    else app.log.info(`${signal} received, shutting down`);
    await app.close();
  });
}

main().catch((error: unknown) => {
  // Start-up failures (bad config, unreachable database, failed migration) end the process with the reason, not a stack.
  const message = error instanceof ConfigError || error instanceof Error ? error.message : String(error);
  process.stderr.write(`release-platform failed to start: ${message}\n`);
  process.exit(1);
});
