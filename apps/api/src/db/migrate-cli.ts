/**
 * Applies pending migrations to DATABASE_URL, or to the embedded database when it is unset.
 *
 *   node dist/db/migrate-cli.js                      (pnpm db:migrate)
 *   tsx src/db/migrate-cli.ts
 *   node dist/db/migrate-cli.js --rolled-back NAME   mark a failed migration as rolled back, like
 *                                                    `prisma migrate resolve --rolled-back NAME`
 */
import { parseArgs } from 'node:util';
import { resolveDatabase } from './database-url.js';
import { applyMigrations, markRolledBack, MigrationError } from './migrate.js';

const log = {
  info: (message: string) => console.log(message),
  warn: (message: string) => console.warn(`warning: ${message}`),
};

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { 'rolled-back': { type: 'string' } }, strict: true });
  const database = await resolveDatabase({ log });
  try {
    const rolledBack = values['rolled-back'];
    if (rolledBack !== undefined) {
      if (!(await markRolledBack(database.url, rolledBack))) {
        console.error(`No failed migration named ${rolledBack} is recorded`);
        return 1;
      }
      log.info(`Marked ${rolledBack} as rolled back; it is applied again on the next run`);
      return 0;
    }
    const { applied } = await applyMigrations(database.url, { log });
    log.info(applied.length === 0 ? 'Database is up to date' : `Applied ${applied.length} migration(s)`);
    return 0;
  } catch (error) {
    if (error instanceof MigrationError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  } finally {
    await database.stop();
  }
}

process.exitCode = await main();
