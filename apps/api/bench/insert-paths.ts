import pg from 'pg';
import { createDb } from '../src/shared/db.js';

export interface InsertPathResult {
  name: string;
  rowsPerSecond: number;
  cpuMsPerRow: number;
}

const BATCHES = 20;
const ROWS = 500;

type Row = { releaseId: string; seq: number; at: Date; type: string; stage: string; target: string | null; stream: string; text: string };

/**
 * Writes the same log batches (with the recorder's per-batch release update and NOTIFY) three ways, in this
 * process, and reports throughput and CPU per row: what EventRecorder does now (Prisma createMany in an
 * interactive transaction), one unnest() INSERT through Prisma's $executeRaw, and the same through plain pg.
 */
export async function compareInsertPaths(databaseUrl: string, releaseId: string, target: string | null, fromSeq: number): Promise<InsertPathResult[]> {
  const db = createDb(databaseUrl);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  let seq = fromSeq;
  const batch = (): Row[] =>
    Array.from({ length: ROWS }, () => {
      seq++;
      return { releaseId, seq, at: new Date(), type: 'log', stage: 'hook:before-release', target, stream: 'stdout', text: `BENCHX ${seq} ${Date.now()}.000` };
    });
  const unnestSql =
    'INSERT INTO release_events (release_id, seq, at, type, stage, target, stream, text) ' +
    'SELECT $1::uuid, s, a, \'log\', st, tg, sm, tx FROM unnest($2::int[], $3::timestamptz[], $4::text[], $5::uuid[], $6::text[], $7::text[]) AS u(s, a, st, tg, sm, tx)';
  const columns = (rows: Row[]) => [releaseId, rows.map((r) => r.seq), rows.map((r) => r.at.toISOString()), rows.map((r) => r.stage), rows.map((r) => r.target), rows.map((r) => r.stream), rows.map((r) => r.text)];

  const variants: [string, (rows: Row[]) => Promise<unknown>][] = [
    [
      'Prisma createMany (as EventRecorder)',
      (rows) =>
        db.$transaction(async (tx) => {
          await tx.releaseEvent.createMany({ data: rows });
          await tx.release.update({ where: { id: releaseId }, data: { lastSeq: rows.at(-1)!.seq } });
          await tx.$executeRaw`SELECT pg_notify('bench_insert_paths', ${String(rows.at(-1)!.seq)})`;
        }),
    ],
    [
      'Prisma $executeRawUnsafe unnest',
      (rows) =>
        db.$transaction(async (tx) => {
          await tx.$executeRawUnsafe(unnestSql, ...columns(rows));
          await tx.release.update({ where: { id: releaseId }, data: { lastSeq: rows.at(-1)!.seq } });
          await tx.$executeRaw`SELECT pg_notify('bench_insert_paths', ${String(rows.at(-1)!.seq)})`;
        }),
    ],
    [
      'plain pg unnest',
      async (rows) => {
        await client.query('BEGIN');
        await client.query(unnestSql, columns(rows));
        await client.query('UPDATE releases SET last_seq = $2 WHERE id = $1', [releaseId, rows.at(-1)!.seq]);
        await client.query("SELECT pg_notify('bench_insert_paths', $1)", [String(rows.at(-1)!.seq)]);
        await client.query('COMMIT');
      },
    ],
  ];
  const results: InsertPathResult[] = [];
  try {
    for (const [name, write] of variants) {
      await write(batch());
      const batches = Array.from({ length: BATCHES }, batch);
      const cpu = process.cpuUsage();
      const t0 = performance.now();
      for (const rows of batches) await write(rows);
      const seconds = (performance.now() - t0) / 1000;
      const used = process.cpuUsage(cpu);
      results.push({ name, rowsPerSecond: (BATCHES * ROWS) / seconds, cpuMsPerRow: (used.user + used.system) / 1000 / (BATCHES * ROWS) });
    }
  } finally {
    await client.end();
    await db.$disconnect();
  }
  return results;
}
