import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyMigrations, markRolledBack, migrationChecksum, MigrationError } from '../../src/db/migrate.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

let db: TestDatabase;
let migrationsDir: string;

async function addMigration(name: string, sql: string): Promise<void> {
  await mkdir(path.join(migrationsDir, name), { recursive: true });
  await writeFile(path.join(migrationsDir, name, 'migration.sql'), sql);
}

async function query<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

beforeEach(async () => {
  db = await createTestDatabase('rp_migrate');
  migrationsDir = await mkdtemp(path.join(tmpdir(), 'rp-migrations-'));
  // Prisma keeps this file next to the migration folders; the runner must ignore it.
  await writeFile(path.join(migrationsDir, 'migration_lock.toml'), 'provider = "postgresql"\n');
});

afterEach(async () => {
  await db.drop();
  await rm(migrationsDir, { recursive: true, force: true });
});

describe('applyMigrations', () => {
  it('applies pending migrations once, in order, and records them the way Prisma does', async () => {
    await addMigration('20260101000000_users', 'CREATE TABLE users (id serial PRIMARY KEY, name text NOT NULL);\n');
    await addMigration('20260102000000_seed', "INSERT INTO users (name) VALUES ('a'); INSERT INTO users (name) VALUES ('b');\n");

    expect(await applyMigrations(db.url, { migrationsDir })).toEqual({
      applied: ['20260101000000_users', '20260102000000_seed'],
    });
    expect(await applyMigrations(db.url, { migrationsDir })).toEqual({ applied: [] });

    const rows = await query<{ migration_name: string; checksum: string; applied_steps_count: number; finished: boolean }>(
      `SELECT migration_name, checksum, applied_steps_count, finished_at IS NOT NULL AS finished
         FROM _prisma_migrations ORDER BY migration_name`,
    );
    expect(rows).toEqual([
      {
        migration_name: '20260101000000_users',
        checksum: migrationChecksum('CREATE TABLE users (id serial PRIMARY KEY, name text NOT NULL);\n'),
        applied_steps_count: 1,
        finished: true,
      },
      expect.objectContaining({ migration_name: '20260102000000_seed', finished: true }),
    ]);
    expect(await query('SELECT name FROM users ORDER BY name')).toEqual([{ name: 'a' }, { name: 'b' }]);
  });

  it('creates _prisma_migrations with the columns Prisma expects', async () => {
    await applyMigrations(db.url, { migrationsDir });
    const columns = await query<{ column_name: string; data_type: string; is_nullable: string }>(
      `SELECT column_name, data_type, is_nullable FROM information_schema.columns
        WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
    );
    expect(columns.map((c) => `${c.column_name} ${c.data_type} ${c.is_nullable}`)).toEqual([
      'id character varying NO',
      'checksum character varying NO',
      'finished_at timestamp with time zone YES',
      'migration_name character varying NO',
      'logs text YES',
      'rolled_back_at timestamp with time zone YES',
      'started_at timestamp with time zone NO',
      'applied_steps_count integer NO',
    ]);
  });

  it('applies each migration once when several processes start together', async () => {
    await addMigration('20260101000000_counter', 'CREATE TABLE runs (n int); INSERT INTO runs VALUES (1);\n');
    const results = await Promise.all([1, 2, 3, 4].map(() => applyMigrations(db.url, { migrationsDir })));
    expect(results.flatMap((r) => r.applied)).toEqual(['20260101000000_counter']);
    expect(await query('SELECT count(*)::int AS n FROM runs')).toEqual([{ n: 1 }]);
  });

  it('rolls a failing migration back, names it and the SQL error, and tries again next time', async () => {
    await addMigration('20260101000000_ok', 'CREATE TABLE ok (id int);\n');
    await addMigration('20260102000000_broken', 'CREATE TABLE half (id int);\nSELECT missing_column FROM ok;\n');

    const failure = await applyMigrations(db.url, { migrationsDir }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(MigrationError);
    expect((failure as MigrationError).migration).toBe('20260102000000_broken');
    expect((failure as Error).message).toMatch(
      /20260102000000_broken failed .*column "missing_column" does not exist \(SQLSTATE 42703\) at line 2/,
    );
    expect(await query("SELECT to_regclass('half') AS t")).toEqual([{ t: null }]);

    await addMigration('20260102000000_broken', 'CREATE TABLE half (id int);\n');
    expect(await applyMigrations(db.url, { migrationsDir })).toEqual({ applied: ['20260102000000_broken'] });
  });

  it('refuses to run when an applied migration was edited', async () => {
    await addMigration('20260101000000_a', 'CREATE TABLE a (id int);\n');
    await applyMigrations(db.url, { migrationsDir });
    await addMigration('20260101000000_a', 'CREATE TABLE a (id bigint);\n');
    await expect(applyMigrations(db.url, { migrationsDir })).rejects.toThrow(
      /20260101000000_a was modified after it was applied/,
    );
  });

  it('refuses to run after a failure recorded by Prisma until it is marked rolled back', async () => {
    await addMigration('20260101000000_a', 'CREATE TABLE a (id int);\n');
    await applyMigrations(db.url, { migrationsDir });
    await query(
      `INSERT INTO _prisma_migrations (id, checksum, migration_name, logs, applied_steps_count)
       VALUES (gen_random_uuid()::text, 'x', '20260102000000_b', 'ERROR: deadlock detected', 0)`,
    );
    await addMigration('20260102000000_b', 'CREATE TABLE b (id int);\n');

    await expect(applyMigrations(db.url, { migrationsDir })).rejects.toThrow(
      /20260102000000_b failed .*deadlock detected/,
    );
    expect(await markRolledBack(db.url, '20260102000000_b')).toBe(true);
    expect(await markRolledBack(db.url, '20260102000000_b')).toBe(false);
    expect(await applyMigrations(db.url, { migrationsDir })).toEqual({ applied: ['20260102000000_b'] });
  });
});
