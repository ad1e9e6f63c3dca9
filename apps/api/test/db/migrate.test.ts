import { describe, expect, it } from 'vitest';
import {
  describeSqlError,
  migrationChecksum,
  MigrationError,
  planMigrations,
  type LocalMigration,
  type MigrationRow,
} from '../../src/db/migrate.js';

function local(name: string, sql = `-- ${name}\n`): LocalMigration {
  return { name, sql, checksum: migrationChecksum(sql) };
}

function row(migration: LocalMigration, overrides: Partial<MigrationRow> = {}): MigrationRow {
  return {
    migration_name: migration.name,
    checksum: migration.checksum,
    finished_at: new Date('2026-01-01T00:00:01Z'),
    rolled_back_at: null,
    started_at: new Date('2026-01-01T00:00:00Z'),
    logs: null,
    ...overrides,
  };
}

describe('migrationChecksum', () => {
  it('is the sha256 hex of the file, as Prisma records it', () => {
    expect(migrationChecksum('SELECT 1;\n')).toBe('b4e0497804e46e0a0b0b8c31975b062152d551bac49c3c2e80932567b4085dcd');
    expect(migrationChecksum('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
});

describe('planMigrations', () => {
  const a = local('20260101000000_a');
  const b = local('20260102000000_b');
  const c = local('20260103000000_c');

  it('applies everything to an empty database', () => {
    expect(planMigrations([a, b], []).pending.map((m) => m.name)).toEqual([a.name, b.name]);
  });

  it('skips applied migrations and keeps file order', () => {
    const plan = planMigrations([a, b, c], [row(b), row(a)]);
    expect(plan.pending.map((m) => m.name)).toEqual([c.name]);
    expect(plan.missingLocally).toEqual([]);
  });

  it('retries a migration whose earlier attempt was rolled back', () => {
    const rows = [row(a), row(b, { finished_at: null, rolled_back_at: new Date(), logs: 'boom' })];
    expect(planMigrations([a, b], rows).pending.map((m) => m.name)).toEqual([b.name]);
  });

  it('refuses when a migration failed and names it with its error', () => {
    const rows = [row(a), row(b, { finished_at: null, logs: 'relation "x" does not exist' })];
    expect(() => planMigrations([a, b], rows)).toThrow(MigrationError);
    expect(() => planMigrations([a, b], rows)).toThrow(/20260102000000_b failed .*relation "x" does not exist/);
  });

  it('refuses when an applied migration was edited', () => {
    const edited = local(a.name, 'CREATE TABLE changed();\n');
    expect(() => planMigrations([edited], [row(a)])).toThrow(/20260101000000_a was modified after it was applied/);
  });

  it('accepts a CRLF checkout of an applied migration', () => {
    const lf = local('20260101000000_a', 'CREATE TABLE t ();\nCREATE TABLE u ();\n');
    const crlf = local(lf.name, lf.sql.replace(/\n/g, '\r\n'));
    expect(planMigrations([crlf], [row(lf)]).pending).toEqual([]);
  });

  it('reports migrations the database has but this build does not', () => {
    expect(planMigrations([a], [row(a), row(c)]).missingLocally).toEqual([c.name]);
  });
});

describe('describeSqlError', () => {
  it('adds the SQLSTATE and the line inside migration.sql', () => {
    const sql = 'CREATE TABLE a ();\nSELECT nope FROM a;\n';
    const error = Object.assign(new Error('column "nope" does not exist'), { code: '42703', position: '27' });
    expect(describeSqlError(error, sql)).toBe('column "nope" does not exist (SQLSTATE 42703) at line 2');
  });
});
