import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

/**
 * Applies Prisma migrations (`prisma/migrations/<timestamp>_<name>/migration.sql`) without Prisma's schema engine,
 * which cannot be downloaded on our machines or at air-gapped customers. Bookkeeping goes into Prisma's own
 * `_prisma_migrations` table in Prisma's format, so `prisma migrate status` and this runner agree on what is applied.
 */

export interface DbLog {
  info(message: string): void;
  warn(message: string): void;
}

export interface LocalMigration {
  name: string;
  sql: string;
  checksum: string;
}

/** One row of `_prisma_migrations`. */
export interface MigrationRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  started_at: Date;
  logs: string | null;
}

export interface MigrationPlan {
  pending: LocalMigration[];
  /** Applied to the database but unknown here: the database is newer than this build. */
  missingLocally: string[];
}

export class MigrationError extends Error {
  constructor(
    readonly migration: string,
    message: string,
  ) {
    super(message);
    this.name = 'MigrationError';
  }
}

/** src/db and dist/db sit at the same depth under apps/api, so one relative URL serves both. */
export const defaultMigrationsDir = fileURLToPath(new URL('../../../../prisma/migrations', import.meta.url));

// The key Prisma's schema engine locks with: sharing it keeps this runner and any Prisma CLI from migrating at once.
const ADVISORY_LOCK_KEY = 72707369;

// Prisma's DDL for its bookkeeping table (schema engine, PostgreSQL flavour), so Prisma's CLI accepts the table as its own.
const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export function migrationChecksum(sql: string): string {
  return createHash('sha256').update(sql, 'utf8').digest('hex');
}

// A checkout with CRLF line endings (git autocrlf) must not look like a modified migration.
function checksumMatches(sql: string, checksum: string): boolean {
  return migrationChecksum(sql) === checksum || migrationChecksum(sql.replace(/\r\n/g, '\n')) === checksum;
}

export async function readMigrations(migrationsDir: string): Promise<LocalMigration[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  const migrations: LocalMigration[] = [];
  for (const name of names) {
    const file = path.join(migrationsDir, name, 'migration.sql');
    const sql = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') throw new MigrationError(name, `Migration ${name} has no migration.sql (${file})`);
      throw error;
    });
    migrations.push({ name, sql, checksum: migrationChecksum(sql) });
  }
  return migrations;
}

/**
 * Decides what to apply. Refuses, like Prisma, when a migration is recorded as failed (it may have left the schema
 * half-changed) or when an applied migration's file was edited (the database no longer matches the files).
 */
export function planMigrations(local: LocalMigration[], rows: MigrationRow[]): MigrationPlan {
  const live = rows.filter((row) => row.rolled_back_at === null);

  const failed = live.find((row) => row.finished_at === null);
  if (failed) {
    throw new MigrationError(
      failed.migration_name,
      `Migration ${failed.migration_name} failed (started ${failed.started_at.toISOString()}): ` +
        `${failed.logs?.trim() || 'no error recorded'}\n` +
        `It may have been applied in part: check the schema, fix the cause, then mark it rolled back with ` +
        `"pnpm db:migrate --rolled-back ${failed.migration_name}" and start again.`,
    );
  }

  const appliedByName = new Map(live.map((row) => [row.migration_name, row]));
  for (const migration of local) {
    const row = appliedByName.get(migration.name);
    if (row && !checksumMatches(migration.sql, row.checksum)) {
      throw new MigrationError(
        migration.name,
        `Migration ${migration.name} was modified after it was applied (database checksum ${row.checksum}, ` +
          `file checksum ${migration.checksum}). Restore the original migration.sql and put the change in a new migration.`,
      );
    }
  }

  const localNames = new Set(local.map((migration) => migration.name));
  return {
    pending: local.filter((migration) => !appliedByName.has(migration.name)),
    missingLocally: [...appliedByName.keys()].filter((name) => !localNames.has(name)).sort(),
  };
}

/** "ERROR: relation "x" does not exist (SQLSTATE 42P01) at line 3", with the line counted in migration.sql. */
export function describeSqlError(error: unknown, sql: string): string {
  if (!(error instanceof Error)) return String(error);
  const { code, position } = error as Error & { code?: string; position?: string };
  let text = error.message;
  if (code) text += ` (SQLSTATE ${code})`;
  const offset = Number(position);
  if (Number.isInteger(offset) && offset > 0) {
    text += ` at line ${sql.slice(0, offset - 1).split('\n').length}`;
  }
  return text;
}

const silentLog: DbLog = { info: () => {}, warn: () => {} };

async function withMigrationLock<T>(connectionString: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString, application_name: 'rp-migrate' });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [ADVISORY_LOCK_KEY]);
    try {
      await client.query(CREATE_MIGRATIONS_TABLE);
      return await work(client);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [ADVISORY_LOCK_KEY]);
    }
  } finally {
    await client.end();
  }
}

async function readRows(client: pg.Client): Promise<MigrationRow[]> {
  const result = await client.query<MigrationRow>(
    `SELECT migration_name, checksum, finished_at, rolled_back_at, started_at, logs
       FROM "_prisma_migrations" ORDER BY started_at, migration_name`,
  );
  return result.rows;
}

export interface ApplyOptions {
  migrationsDir?: string;
  log?: DbLog;
}

export interface ApplyResult {
  applied: string[];
}

/**
 * Applies pending migrations in name order, each in its own transaction, under an advisory lock so that several
 * processes starting together apply each migration once. Safe to call on every start.
 */
export async function applyMigrations(connectionString: string, options: ApplyOptions = {}): Promise<ApplyResult> {
  const migrationsDir = options.migrationsDir ?? defaultMigrationsDir;
  const log = options.log ?? silentLog;
  const local = await readMigrations(migrationsDir);

  return withMigrationLock(connectionString, async (client) => {
    const plan = planMigrations(local, await readRows(client));
    if (plan.missingLocally.length > 0) {
      log.warn(
        `The database has migrations this build does not know (${plan.missingLocally.join(', ')}); ` +
          'it was migrated by a newer version.',
      );
    }

    const applied: string[] = [];
    for (const migration of plan.pending) {
      const startedAt = new Date();
      try {
        await client.query('BEGIN');
        await client.query(migration.sql);
        await client.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
           VALUES ($1, $2, $3, $4, now(), 1)`,
          [randomUUID(), migration.checksum, migration.name, startedAt],
        );
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        const reason = describeSqlError(error, migration.sql);
        // Kept as history. The transaction left no trace in the schema, so the record says "rolled back" and the next
        // start tries again, unlike a failure recorded by Prisma's own (non-transactional) runner, which planMigrations refuses.
        await client.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, logs, rolled_back_at, applied_steps_count)
           VALUES ($1, $2, $3, $4, $5, now(), 0)`,
          [randomUUID(), migration.checksum, migration.name, startedAt, reason],
        );
        throw new MigrationError(migration.name, `Migration ${migration.name} failed and was rolled back: ${reason}`);
      }
      applied.push(migration.name);
      log.info(`Applied migration ${migration.name}`);
    }
    return { applied };
  });
}

/**
 * Marks a failed migration as rolled back (what `prisma migrate resolve --rolled-back` does), so the next run
 * applies it again. Returns false when there was no failed record for it.
 */
export async function markRolledBack(connectionString: string, migrationName: string): Promise<boolean> {
  return withMigrationLock(connectionString, async (client) => {
    const result = await client.query(
      `UPDATE "_prisma_migrations" SET rolled_back_at = now()
        WHERE migration_name = $1 AND finished_at IS NULL AND rolled_back_at IS NULL`,
      [migrationName],
    );
    return (result.rowCount ?? 0) > 0;
  });
}
