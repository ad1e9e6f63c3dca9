import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveDatabase, type ResolvedDatabase } from '../../src/db/database-url.js';
import { parsePostmasterPid } from '../../src/db/postmaster.js';
import { applyMigrations } from '../../src/db/migrate.js';

const apiDir = fileURLToPath(new URL('../../', import.meta.url));
const childScript = fileURLToPath(new URL('./fixtures/embedded-child.ts', import.meta.url));
const log = { info: () => {}, warn: () => {} };

let dataDir: string;
let migrationsDir: string;
const children: ChildProcess[] = [];

async function start(): Promise<ResolvedDatabase> {
  // An empty databaseUrl forces the embedded database even when the environment sets DATABASE_URL.
  return resolveDatabase({ databaseUrl: '', dataDir, log });
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

async function postmasterPid(): Promise<number | undefined> {
  const text = await readFile(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').catch(() => '');
  return parsePostmasterPid(text)?.pid;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitUntil(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Starts the embedded database in a child process and resolves once it is ready. */
async function startChild(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', childScript, dataDir], {
    cwd: apiDir,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  const lines = createInterface({ input: child.stdout! });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`embedded child exited with ${code}`)));
  });
  return { child, url: (JSON.parse(first) as { url: string }).url };
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'rp-embedded-'));
  // mkdtemp makes the directory private; as root, PostgreSQL runs as the postgres user and must enter it.
  await chmod(dataDir, 0o755);
  migrationsDir = path.join(dataDir, 'migrations');
  await mkdir(path.join(migrationsDir, '20260101000000_notes'), { recursive: true });
  await writeFile(
    path.join(migrationsDir, '20260101000000_notes', 'migration.sql'),
    'CREATE TABLE notes (id serial PRIMARY KEY, body text NOT NULL);\n',
  );
});

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  const pid = await postmasterPid();
  if (pid !== undefined && alive(pid)) {
    process.kill(pid, 'SIGINT');
    await waitUntil(() => !alive(pid), 'PostgreSQL to stop');
  }
  await rm(dataDir, { recursive: true, force: true });
});

describe('embedded PostgreSQL', () => {
  it.runIf(process.getuid?.() === 0)('explains a data directory the postgres user cannot reach', async () => {
    const privateDir = await mkdtemp(path.join(tmpdir(), 'rp-private-'));
    try {
      await expect(resolveDatabase({ databaseUrl: '', dataDir: path.join(privateDir, 'data'), log })).rejects.toThrow(
        /cannot enter .*rp-private-.*chmod o\+x/,
      );
    } finally {
      await rm(privateDir, { recursive: true, force: true });
    }
  });

  it('creates the cluster and database, migrates, and keeps the data across a restart', async () => {
    const first = await start();
    expect(first.embedded).toBe(true);
    expect(first.url).toMatch(/\/release_platform$/);
    expect(await applyMigrations(first.url, { migrationsDir })).toEqual({ applied: ['20260101000000_notes'] });
    await query(first.url, "INSERT INTO notes (body) VALUES ('kept')");
    const pid = await postmasterPid();
    await first.stop();
    expect(pid !== undefined && alive(pid)).toBe(false);

    const second = await start();
    expect(await applyMigrations(second.url, { migrationsDir })).toEqual({ applied: [] });
    expect(await query(second.url, 'SELECT body FROM notes')).toEqual([{ body: 'kept' }]);
    await second.stop();
  });

  it('takes over after its process was killed with kill -9 (PostgreSQL left running)', async () => {
    const { child, url } = await startChild();
    await query(url, "INSERT INTO notes (body) VALUES ('before kill')");
    const orphan = await postmasterPid();
    child.kill('SIGKILL');
    await waitUntil(() => child.exitCode !== null || child.signalCode !== null, 'the child to die');
    expect(orphan !== undefined && alive(orphan)).toBe(true);

    const restarted = await start();
    expect(orphan !== undefined && alive(orphan)).toBe(false);
    expect(await query(restarted.url, 'SELECT body FROM notes ORDER BY id')).toEqual([
      { body: 'kept' },
      { body: 'before kill' },
    ]);
    await restarted.stop();
  });

  it('recovers when the process and PostgreSQL were both killed with kill -9 (stale postmaster.pid)', async () => {
    const { child, url } = await startChild();
    await query(url, "INSERT INTO notes (body) VALUES ('before crash')");
    const pid = (await postmasterPid())!;
    child.kill('SIGKILL');
    process.kill(pid, 'SIGKILL');
    await waitUntil(() => !alive(pid), 'PostgreSQL to die');
    expect(await postmasterPid()).toBe(pid);

    const restarted = await start();
    expect(await query(restarted.url, 'SELECT count(*)::int AS n FROM notes')).toEqual([{ n: 3 }]);
    await restarted.stop();
  });

  it('recovers when the pid in a stale postmaster.pid now belongs to another program', async () => {
    const pidFile = path.join(dataDir, 'pg', 'postmaster.pid');
    const other = spawn('sleep', ['60']);
    children.push(other);
    await writeFile(pidFile, `${other.pid}\n${path.join(dataDir, 'pg')}\n1700000000\n54329\n\n127.0.0.1\n`);

    const restarted = await start();
    expect(await query(restarted.url, 'SELECT count(*)::int AS n FROM notes')).toEqual([{ n: 3 }]);
    await restarted.stop();
  });

  it('lets a second process share the cluster the first one runs', async () => {
    const { child, url } = await startChild();
    const shared = await start();
    expect(shared.url).toBe(url);
    expect(await query(shared.url, 'SELECT count(*)::int AS n FROM notes')).toEqual([{ n: 3 }]);
    await shared.stop();
    expect(await query(url, 'SELECT 1 AS ok')).toEqual([{ ok: 1 }]);
    child.kill('SIGTERM');
  });
});
