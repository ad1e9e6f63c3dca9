import { applyMigrations } from '../../src/db/migrate.js';
import { createTestDatabase as createEmptyDatabase, type TestDatabase } from '../db/test-database.js';

export { testServerUrl, type TestDatabase } from '../db/test-database.js';

/** A fresh, migrated database per test file: factories fill it, nothing is shared between files. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const database = await createEmptyDatabase();
  await applyMigrations(database.url);
  return database;
}
