import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateDiff, migrationsDir, schemaPath } from '../../../../prisma/tools/migrate-diff.mjs';
import { applyMigrations } from '../../src/db/migrate.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

// Each diff starts the Prisma 6 CLI with its WASM schema engine: a few seconds on two cores.
const DIFF_TIMEOUT = 60_000;
const HOW_TO_FIX = 'Run "pnpm db:diff <name>" to write the missing migration.';

/**
 * The parts of a database schema Prisma's diff compares, in an order that ignores column and enum-label order
 * (Prisma ignores both too). `_prisma_migrations` is bookkeeping, not schema.
 */
async function schemaSnapshot(url: string): Promise<Record<string, unknown[]>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const rows = async (sql: string) => (await client.query({ text: sql, rowMode: 'array' })).rows;
    return {
      columns: await rows(`
        SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, pg_get_expr(d.adbin, d.adrelid)
          FROM pg_attribute a
          JOIN pg_class c ON c.oid = a.attrelid
          LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
         WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm')
           AND a.attnum > 0 AND NOT a.attisdropped AND c.relname <> '_prisma_migrations'
         ORDER BY 1, 2`),
      constraints: await rows(`
        SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
          FROM pg_constraint
         WHERE connamespace = 'public'::regnamespace AND conrelid <> 0
           AND conrelid::regclass::text <> '_prisma_migrations'
         ORDER BY 1, 2`),
      indexes: await rows(`
        SELECT tablename, indexname, indexdef FROM pg_indexes
         WHERE schemaname = 'public' AND tablename <> '_prisma_migrations' ORDER BY 1, 2`),
      enums: await rows(`
        SELECT t.typname, array_agg(e.enumlabel ORDER BY e.enumlabel)
          FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
         WHERE t.typnamespace = 'public'::regnamespace
         GROUP BY 1 ORDER BY 1`),
      sequences: await rows(`
        SELECT sequencename, data_type::text FROM pg_sequences WHERE schemaname = 'public' ORDER BY 1`),
    };
  } finally {
    await client.end();
  }
}

/** A database built from the schema alone, through the SQL Prisma generates for it. */
async function databaseFromSchema(schema: string): Promise<TestDatabase> {
  const { sql } = await migrateDiff({ from: { empty: true }, schema });
  const db = await createTestDatabase('rp_drift_schema');
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
  return db;
}

const databases: TestDatabase[] = [];
let migrated: TestDatabase;

beforeAll(async () => {
  migrated = await createTestDatabase('rp_drift_migrated');
  databases.push(migrated);
  // A migration this runner cannot apply fails here, with the migration's name and SQL error.
  await applyMigrations(migrated.url, { migrationsDir });
});

afterAll(async () => {
  for (const db of databases) await db.drop();
});

describe('prisma/migrations against prisma/schema.prisma', () => {
  it(
    'the product runner applying every migration yields exactly the schema',
    async () => {
      const fromSchema = await databaseFromSchema(schemaPath);
      databases.push(fromSchema);
      expect(await schemaSnapshot(migrated.url), HOW_TO_FIX).toEqual(await schemaSnapshot(fromSchema.url));
    },
    DIFF_TIMEOUT,
  );

  it(
    "Prisma's own replay of the migrations reports no drift",
    async () => {
      const { changed, sql } = await migrateDiff({ from: { migrations: true } });
      if (changed) expect.fail(`${HOW_TO_FIX} Prisma's diff:\n${sql}`);
    },
    DIFF_TIMEOUT,
  );

  it(
    'notices a schema change that has no migration',
    async () => {
      const dir = await mkdtemp(path.join(tmpdir(), 'rp-drift-'));
      try {
        const changedSchema = path.join(dir, 'schema.prisma');
        await writeFile(changedSchema, `${await readFile(schemaPath, 'utf8')}\nmodel DriftProbe {\n  id Int @id\n}\n`);
        const fromChanged = await databaseFromSchema(changedSchema);
        databases.push(fromChanged);
        expect(await schemaSnapshot(migrated.url)).not.toEqual(await schemaSnapshot(fromChanged.url));
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
    DIFF_TIMEOUT,
  );
});
