/**
 * Live-log latency benchmark: remote line → WebSocket viewer, for one release printing BENCH_RATE lines/s to
 * BENCH_VIEWERS viewers spread over BENCH_API_PROCESSES API processes, with the release run by a separate worker
 * process, all on one PostgreSQL, exactly the scale-out shape of production. The same emitter is then run over a
 * plain ssh2 exec channel to one reader in this process: that baseline is what SSH and the machine cost by
 * themselves, so the ratio is what the platform (batching, storage, NOTIFY, fan-out) adds.
 *
 *   BENCH_LINES=50000 BENCH_RATE=5000 BENCH_VIEWERS=200 BENCH_API_PROCESSES=2 BENCH_VIEWER_PROCESSES=2 pnpm bench:live-logs
 *   BENCH_CPU_PROF=/tmp/prof      V8 CPU profiles of the API and worker processes
 *   BENCH_INSERT_COMPARE=1        also time EventRecorder's Prisma createMany against one unnest() INSERT
 *
 * Run through node with tsx as a loader, not the tsx CLI: on Ctrl-C the CLI ended the bench before its cleanup
 * (processes, sshd, temp dirs, the database) had finished.
 *
 * Every line carries its emit time (performance.timeOrigin + performance.now() on the host); everything runs on one
 * machine, so receive time − emit time is the latency. Exits 1 if any viewer misses, repeats or reorders a line,
 * or the release does not succeed. Uses TEST_DATABASE_URL if set, else a throwaway cluster from scripts/test-pg.sh.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import pg from 'pg';
import { Client as SshClient } from 'ssh2';
import { createSampleAppRepo, startSshHosts, type SshHost } from '@rp/deploy-engine/testing';
import { EVENTS_CHANNEL, parseEventsNotice } from '../src/channels.js';
import { createTestDatabase } from '../test/db/test-database.js';
import { intEnv } from './env.js';
import { postgresServer } from './postgres.js';
import { BENCH_ADMIN_PASSWORD, login, type Api } from './rest.js';
import { machineBusySeconds, sampleCpu } from './cpu.js';
import { DONE_PREFIX, emitterScript, parseBenchLine, type EmitterOptions } from './emitter.js';
import { Histogram } from './histogram.js';
import { compareInsertPaths, type InsertPathResult } from './insert-paths.js';
import { startProduct, type ProductProcess } from './processes.js';
import type { FromViewers, ToViewers, ViewerStats } from './viewer-process.js';

const settings = {
  lines: intEnv('BENCH_LINES', 50_000, 1),
  rate: intEnv('BENCH_RATE', 5_000, 1),
  tickMs: intEnv('BENCH_TICK_MS', 10, 1),
  viewers: intEnv('BENCH_VIEWERS', 200, 1),
  apiProcesses: intEnv('BENCH_API_PROCESSES', 2, 1),
  viewerProcesses: intEnv('BENCH_VIEWER_PROCESSES', 2, 1),
  goalP99Ms: intEnv('BENCH_GOAL_P99_MS', 100, 1),
};
const emitter: EmitterOptions = { lines: settings.lines, ratePerSecond: settings.rate, tickMs: settings.tickMs };
const SECRET_KEY = 'live-logs-bench-secret-key-0123456789';
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------------------------
// Teardown: everything started registers its undo here, run newest first on success, failure or Ctrl-C.

const undo: { what: string; run: () => Promise<unknown> | unknown }[] = [];
const children: ProductProcess[] = [];
let tearingDown: Promise<void> | null = null;

/** Runs once; a second Ctrl-C (or pnpm's SIGTERM after it) waits for the same cleanup instead of cutting it short. */
function teardown(): Promise<void> {
  tearingDown ??= (async () => {
    for (const step of undo.reverse()) {
      try {
        await step.run();
      } catch (error) {
        console.error(`cleanup: ${step.what} failed: ${(error as Error).message}`);
      }
    }
  })();
  return tearingDown;
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (!tearingDown) console.error(`\n${signal}: cleaning up`);
    void teardown().finally(() => process.exit(130));
  });
}
// Last resort if the process dies without teardown: never leave API or worker processes behind.
process.once('exit', () => {
  for (const c of children) if (c.child.exitCode === null) c.child.kill('SIGKILL');
});

// ---------------------------------------------------------------------------------------------------------------
// Infrastructure

function pidsWithCmdline(fragment: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(fragment)) pids.push(Number(name));
    } catch {
      // exited while we looked
    }
  }
  return pids;
}

interface Release {
  id: string;
  state: string;
  lastSeq: number;
  error: string | null;
}

/** Group, credential, server (host key pinned by a connection test), project with the emitter hook, environment. */
async function registerRelease(api: Api, host: SshHost, gitUrl: string): Promise<Release> {
  const group = await api.call<{ id: string }>('POST', '/api/groups', { name: 'bench' });
  const credential = await api.call<{ id: string }>('POST', '/api/credentials', { groupId: group.id, name: 'bench-key', kind: 'ssh_key', privateKey: host.privateKey });
  const server = await api.call<{ id: string }>('POST', '/api/servers', {
    groupId: group.id,
    name: 'bench-1',
    host: host.host,
    port: host.port,
    username: host.username,
    credentialId: credential.id,
  });
  await api.call('POST', `/api/servers/${server.id}/test`);
  const project = await api.call<{ id: string }>('POST', '/api/projects', {
    groupId: group.id,
    name: 'live-logs',
    gitUrl,
    preset: 'shell',
    hooks: { 'before-release': emitterScript(emitter) },
  });
  const environment = await api.call<{ id: string }>('POST', `/api/projects/${project.id}/environments`, {
    name: 'bench',
    deployPath: path.join(host.deployRoot, 'app'),
    serverIds: [server.id],
    requireApproval: false,
    rollout: { strategy: 'parallel', concurrency: 1 },
  });
  // Not started yet: every viewer must be watching before the first line exists.
  return api.call<Release>('POST', '/api/releases', { environmentId: environment.id, ref: 'main', autoStart: false });
}

/** One viewer process, driven by request → reply messages over its IPC channel. */
class ViewerProcess {
  #replies: FromViewers[] = [];
  #waiting: ((m: FromViewers) => void)[] = [];
  #exited = false;

  private constructor(readonly child: ChildProcess) {
    child.on('message', (m: FromViewers) => {
      const waiter = this.#waiting.shift();
      if (waiter) waiter(m);
      else this.#replies.push(m);
    });
    child.once('exit', (code) => {
      this.#exited = true;
      for (const w of this.#waiting.splice(0)) w({ kind: 'failed', message: `viewer process exited with ${code}` });
    });
  }

  static async start(urls: string[], token: string): Promise<ViewerProcess> {
    const child = fork(fileURLToPath(new URL('./viewer-process.ts', import.meta.url)), {
      execArgv: ['--conditions=source', '--import', 'tsx'],
      // Structured clone, so the latency histogram's Uint32Array arrives as one.
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const viewers = new ViewerProcess(child);
    const first = await viewers.#ask({ cmd: 'connect', urls, token });
    if (first.kind !== 'ready') throw new Error(`viewer process: ${first.kind === 'failed' ? first.message : first.kind}`);
    return viewers;
  }

  async waitFor(seq: number, timeoutMs: number): Promise<boolean> {
    const reply = await this.#ask({ cmd: 'wait', seq, timeoutMs });
    return reply.kind === 'caughtUp' && reply.ok;
  }

  async report(): Promise<Extract<FromViewers, { kind: 'report' }>> {
    const reply = await this.#ask({ cmd: 'report' });
    if (reply.kind !== 'report') throw new Error(`viewer process: ${reply.kind === 'failed' ? reply.message : reply.kind}`);
    return reply;
  }

  stop(): void {
    if (!this.#exited) this.child.kill('SIGKILL');
  }

  #ask(message: ToViewers): Promise<FromViewers> {
    if (this.#exited) return Promise.resolve({ kind: 'failed', message: 'viewer process has exited' });
    const reply = new Promise<FromViewers>((resolve) => {
      const queued = this.#replies.shift();
      if (queued) resolve(queued);
      else this.#waiting.push(resolve);
    });
    this.child.send(message);
    return reply;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Measurements

/** The same emitter over one plain ssh2 exec channel, lines split as the engine splits them. */
async function baseline(host: SshHost): Promise<{ latency: Histogram; lines: number; problems: number }> {
  const latency = new Histogram();
  let expected = 1;
  let problems = 0;
  const client = new SshClient();
  await new Promise<void>((resolve, reject) => {
    client.once('ready', resolve).once('error', reject);
    client.connect({ host: host.host, port: host.port, username: host.username, privateKey: host.privateKey });
  });
  try {
    await new Promise<void>((resolve, reject) => {
      client.exec('sh -s', (err, channel) => {
        if (err) return reject(err);
        let pending = '';
        channel.on('data', (chunk: Buffer) => {
          const receivedAt = now();
          pending += chunk.toString();
          const lines = pending.split('\n');
          pending = lines.pop() ?? '';
          for (const text of lines) {
            const line = parseBenchLine(text);
            if (!line) continue;
            if (line[0] !== expected) problems++;
            expected = line[0] + 1;
            latency.add(receivedAt - line[1]);
          }
        });
        channel.stderr.on('data', (chunk: Buffer) => process.stderr.write(`baseline stderr: ${chunk.toString()}`));
        channel.once('close', () => resolve());
        channel.end(emitterScript(emitter));
      });
    });
  } finally {
    client.end();
  }
  return { latency, lines: expected - 1, problems };
}

interface Stored {
  /** emit → committed (as seen by a LISTEN connection like the API processes'). */
  latency: Histogram;
  lines: number;
  inOrder: boolean;
  firstStoredAt: number;
  lastStoredAt: number;
  firstEmittedAt: number;
  lastEmittedAt: number;
  batches: number;
  doneLine: string;
  /** Median emit → stored latency of the lines emitted in each second of the run: growth means a backlog. */
  medianBySecond: number[];
}

/** What reached the database, and when each line's transaction was announced by NOTIFY. */
async function storedLines(db: pg.Client, releaseId: string, notices: { at: number; seq: number }[]): Promise<Stored> {
  const rows = (await db.query<{ seq: number; text: string }>("SELECT seq, text FROM release_events WHERE release_id = $1 AND type = 'log' AND text LIKE 'BENCH%' ORDER BY seq", [releaseId])).rows;
  const latency = new Histogram();
  let expected = 1;
  let inOrder = true;
  let notice = 0;
  let first: { storedAt: number; emittedAt: number } | null = null;
  let last = { storedAt: Number.NaN, emittedAt: Number.NaN };
  const batchesSeen = new Set<number>();
  const bySecond: number[][] = [];
  let doneLine = '';
  for (const row of rows) {
    if (row.text.startsWith(DONE_PREFIX)) doneLine = row.text;
    const line = parseBenchLine(row.text);
    if (!line) continue;
    if (line[0] !== expected) inOrder = false;
    expected = line[0] + 1;
    while (notice < notices.length && (notices[notice]?.seq ?? 0) < row.seq) notice++;
    const storedAt = notices[notice]?.at ?? Number.NaN;
    batchesSeen.add(notice);
    latency.add(storedAt - line[1]);
    last = { storedAt, emittedAt: line[1] };
    first ??= last;
    const second = Math.floor((line[1] - first.emittedAt) / 1000);
    (bySecond[second] ??= []).push(storedAt - line[1]);
  }
  const medianBySecond = [...bySecond].map((xs = []) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN);
  return {
    latency,
    lines: expected - 1,
    inOrder,
    firstStoredAt: first?.storedAt ?? Number.NaN,
    lastStoredAt: last.storedAt,
    firstEmittedAt: first?.emittedAt ?? Number.NaN,
    lastEmittedAt: last.emittedAt,
    batches: batchesSeen.size,
    doneLine,
    medianBySecond,
  };
}

async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs: number, everyMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

// ---------------------------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  const wallStart = Date.now();
  console.log(
    `live-log bench: ${settings.lines} lines at ${settings.rate}/s (${(settings.rate * settings.tickMs) / 1000} every ${settings.tickMs} ms), ` +
      `${settings.viewers} viewers on ${settings.apiProcesses} API process(es), 1 worker process; goal p99 ≤ ${settings.goalP99Ms} ms`,
  );

  const server = postgresServer();
  if (server.stop) undo.push({ what: 'stop PostgreSQL', run: server.stop });
  const database = await createTestDatabase('rp_bench');
  undo.push({ what: 'drop the bench database', run: () => database.drop() });
  const dataDir = mkdtempSync(path.join(tmpdir(), 'rp-bench-live-'));
  undo.push({ what: 'remove the data dir', run: () => rmSync(dataDir, { recursive: true, force: true }) });
  const ssh = await startSshHosts(1);
  undo.push({ what: 'stop sshd', run: () => ssh.stopAll() });
  const host = ssh.hosts[0]!;
  const repo = createSampleAppRepo();
  undo.push({ what: 'remove the Git repo', run: () => repo.remove() });

  // V8 CPU profiles of the API and worker processes, written when they exit, to see where their time goes.
  const profileDir = process.env.BENCH_CPU_PROF ? path.resolve(process.env.BENCH_CPU_PROF) : '';
  const nodeFlags = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const env = {
    DATABASE_URL: database.url,
    SECRET_KEY,
    ADMIN_PASSWORD: BENCH_ADMIN_PASSWORD,
    DATA_DIR: dataDir,
    WORKER_ENABLED: 'false',
    LOG_LEVEL: 'warn',
    LOGIN_RATE_LIMIT_PER_MINUTE: '1000',
  };
  const start = async (entry: 'server' | 'worker', extra: Record<string, string> = {}) => {
    const p = await startProduct(entry, { ...env, ...extra }, nodeFlags);
    children.push(p);
    undo.push({ what: `stop ${entry} ${p.pid}`, run: () => p.stop() });
    return p;
  };
  // The first process applies the migrations and creates the administrator; the others then start on a ready database.
  const t0 = Date.now();
  const apis = [await start('server')];
  const rest = await Promise.all([
    ...Array.from({ length: settings.apiProcesses - 1 }, () => start('server')),
    // The worker announces itself at info level; that line is how we know it is ready.
    start('worker', { LOG_LEVEL: 'info' }),
  ]);
  const worker = rest.pop()!;
  apis.push(...rest);
  console.log(`processes up in ${((Date.now() - t0) / 1000).toFixed(1)} s: API ${apis.map((a) => a.pid).join(', ')}, worker ${worker.pid}`);

  const api = await login(apis[0]!.baseUrl);
  let release = await registerRelease(api, host, repo.url);
  if (release.state !== 'approved') throw new Error(`release is ${release.state}, expected approved (not started)`);

  const db = new pg.Client({ connectionString: database.url });
  await db.connect();
  undo.push({ what: 'close the LISTEN connection', run: () => db.end() });
  const notices: { at: number; seq: number }[] = [];
  db.on('notification', (n) => {
    const notice = n.channel === EVENTS_CHANNEL ? parseEventsNotice(n.payload ?? '') : null;
    if (notice?.kind === 'events' && notice.releaseId === release.id) notices.push({ at: now(), seq: notice.lastSeq });
  });
  await db.query(`LISTEN ${EVENTS_CHANNEL}`);

  const c0 = Date.now();
  const urls = Array.from({ length: settings.viewers }, (_, i) => `${apis[i % apis.length]!.baseUrl.replace(/^http/, 'ws')}/ws/releases/${release.id}?since=0`);
  const shares = Math.min(settings.viewerProcesses, urls.length);
  const viewerProcesses: ViewerProcess[] = [];
  undo.push({ what: 'stop viewer processes', run: () => viewerProcesses.forEach((v) => v.stop()) });
  viewerProcesses.push(...(await Promise.all(Array.from({ length: shares }, (_, t) => ViewerProcess.start(urls.filter((_u, i) => i % shares === t), api.token)))));
  console.log(`${settings.viewers} viewers in ${shares} process(es) connected and snapshotted in ${((Date.now() - c0) / 1000).toFixed(1)} s`);

  // CPU is counted per part from just before the start to the moment the last viewer has the last event.
  const sshdPids = pidsWithCmdline(path.join(host.dir, 'sshd_config'));
  const pgPids = async () =>
    (await db.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()')).rows.map((r) => r.pid);
  const groups = (pgBackends: number[]): Record<string, number[]> => ({
    ...Object.fromEntries(apis.map((a, i) => [`API process ${i + 1}`, [a.pid]])),
    'worker process': [worker.pid],
    'PostgreSQL backends (bench db)': pgBackends,
    'sshd + emitter': sshdPids,
    'viewer processes': viewerProcesses.map((v) => v.child.pid ?? 0),
  });
  const pgAtStart = await pgPids();
  const cpuBefore = sampleCpu(groups(pgAtStart));
  const benchCpuBefore = process.cpuUsage();
  const busyBefore = machineBusySeconds();
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const runStart = now();

  release = await api.call<Release>('POST', `/api/releases/${release.id}/start`);
  const terminal = ['succeeded', 'failed', 'aborted', 'interrupted'];
  const expectedSeconds = settings.lines / settings.rate;
  await waitFor(
    async () => {
      release = await api.call<Release>('GET', `/api/releases/${release.id}`);
      return terminal.includes(release.state);
    },
    'the release to finish',
    (expectedSeconds * 4 + 120) * 1000,
    250,
  );
  const releaseDone = now();
  const caughtUp = (await Promise.all(viewerProcesses.map((t) => t.waitFor(release.lastSeq, 60_000)))).every(Boolean);
  const runEnd = now();
  loop.disable();
  const pgAtEnd = await pgPids();
  const cpuAfter = sampleCpu(groups([...new Set([...pgAtStart, ...pgAtEnd])]));
  const benchCpu = process.cpuUsage(benchCpuBefore);
  const busy = machineBusySeconds() - busyBefore;
  const windowS = (runEnd - runStart) / 1000;

  const reports = await Promise.all(viewerProcesses.map((t) => t.report()));
  const latency = new Histogram();
  for (const r of reports) latency.merge(Histogram.from(r.latency));
  const viewers = reports.flatMap((r) => r.viewers);
  const stored = await storedLines(db, release.id, notices);

  console.log('baseline: the same emitter over one plain ssh2 exec channel …');
  const base = await baseline(host);

  let insertPaths: InsertPathResult[] = [];
  if (process.env.BENCH_INSERT_COMPARE === '1') {
    console.log('comparing ways to write log batches (BENCH_INSERT_COMPARE=1) …');
    const target = (await db.query<{ target: string | null }>('SELECT target FROM release_events WHERE release_id = $1 AND target IS NOT NULL LIMIT 1', [release.id])).rows[0]?.target ?? null;
    insertPaths = await compareInsertPaths(database.url, release.id, target, release.lastSeq + 1_000);
  }

  // -------------------------------------------------------------------------------------------------------------
  // Report

  const ms = (x: number) => `${x.toFixed(1)} ms`;
  const problems = (v: ViewerStats) => v.lineGaps + v.lineDuplicates + v.seqGaps + v.seqDuplicates;
  const perViewer = viewers.map((v) => v.linesReceived);
  const complete = viewers.filter((v) => v.linesReceived === settings.lines && problems(v) === 0);
  const broken = viewers.filter((v) => problems(v) > 0 || v.linesReceived !== settings.lines);
  const closedEarly = viewers.filter((v) => v.closeCode !== null && v.closeCode !== 1000 && v.closeCode !== 1005);
  const emitSeconds = (stored.lastEmittedAt - stored.firstEmittedAt) / 1000;
  const storeSeconds = (stored.lastStoredAt - stored.firstStoredAt) / 1000;
  const messages = viewers.reduce((a, v) => a + v.messages, 0);
  const bytes = viewers.reduce((a, v) => a + v.bytes, 0);

  console.log('');
  console.log(`release ${release.id}: ${release.state}${release.error ? ` (${release.error})` : ''}, lastSeq ${release.lastSeq}, ran ${((releaseDone - runStart) / 1000).toFixed(1)} s from start request`);
  console.log(`emitter: ${stored.doneLine || '(no BENCH-DONE line stored)'}`);
  console.log(`lines emitted:           ${settings.lines}  (first→last emit ${emitSeconds.toFixed(2)} s = ${((settings.lines - 1) / emitSeconds).toFixed(0)} lines/s)`);
  console.log(`lines stored:            ${stored.lines}${stored.inOrder ? ', in order' : ', OUT OF ORDER'}, in ${stored.batches} committed batches (${(stored.lines / Math.max(1, stored.batches)).toFixed(0)} lines/batch)`);
  console.log(`persistence rate:        ${((stored.lines - 1) / storeSeconds).toFixed(0)} lines/s sustained (first→last stored ${storeSeconds.toFixed(2)} s)`);
  const commits = notices.filter((n) => n.at >= stored.firstStoredAt && n.at <= stored.lastStoredAt);
  const gaps = commits.slice(1).map((n, i) => n.at - commits[i]!.at).sort((a, b) => a - b);
  const sizes = commits.slice(1).map((n, i) => n.seq - commits[i]!.seq).sort((a, b) => a - b);
  const mid = (xs: number[]) => xs[Math.floor(xs.length / 2)] ?? Number.NaN;
  console.log(`commits while streaming: every ${ms(mid(gaps))} (median), longest gap ${ms(gaps.at(-1) ?? Number.NaN)}; ${mid(sizes)} events per commit (median), largest ${sizes.at(-1) ?? '-'}`);
  console.log(
    `lines per viewer:        min ${Math.min(...perViewer)}  max ${Math.max(...perViewer)}; ${complete.length}/${viewers.length} viewers got all ${settings.lines} in order without duplicates` +
      (caughtUp ? '' : '; NOT all viewers caught up within 60 s'),
  );
  for (const v of broken.slice(0, 5)) {
    console.log(`  viewer problem: ${v.linesReceived} lines, gaps ${v.lineGaps}, duplicates ${v.lineDuplicates}, seq gaps ${v.seqGaps}, seq duplicates ${v.seqDuplicates}, close ${v.closeCode ?? '-'}; first: ${v.firstProblem || 'lines missing at the end'}`);
  }
  if (closedEarly.length) console.log(`  ${closedEarly.length} viewer(s) closed by the server, codes ${[...new Set(closedEarly.map((v) => v.closeCode))].join(', ')}`);
  console.log(`WebSocket traffic:       ${(messages / viewers.length).toFixed(0)} messages and ${(bytes / viewers.length / 1024 / 1024).toFixed(1)} MiB per viewer, ${(bytes / Math.max(1, stored.lines * viewers.length)).toFixed(0)} bytes per line per viewer, ${((bytes / windowS) / 1024 / 1024).toFixed(1)} MiB/s to all viewers`);
  console.log('');
  console.log(`latency remote line → committed + NOTIFY:    ${stored.latency.summary()}`);
  console.log(`  median by second of emission: ${stored.medianBySecond.map((m, i) => `${i + 1}s ${m.toFixed(0)}`).join(', ')} ms`);
  console.log(`latency remote line → WebSocket viewer:      ${latency.summary()}`);
  console.log(`baseline remote line → plain ssh2 reader:    ${base.latency.summary()}${base.lines === settings.lines && base.problems === 0 ? '' : `  (LOST/REORDERED: ${base.lines} lines, ${base.problems} problems)`}`);
  const p99 = latency.quantile(0.99);
  const baseP99 = base.latency.quantile(0.99);
  console.log(`p99 ratio platform/baseline: ${(p99 / baseP99).toFixed(1)}×   goal p99 ≤ ${settings.goalP99Ms} ms: ${p99 <= settings.goalP99Ms ? 'MET' : 'NOT MET'} (${ms(p99)})`);
  console.log('');
  const viewerLoop = reports.map((r) => `${ms(r.loopDelayP99Ms)}/${ms(r.loopDelayMaxMs)}`).join(', ');
  console.log(`CPU during the live run (${windowS.toFixed(1)} s window; event-loop delay p99/max: bench main ${ms(loop.percentile(99) / 1e6)}/${ms(loop.max / 1e6)}, viewer processes ${viewerLoop}):`);
  for (const name of Object.keys(cpuAfter)) {
    const used = (cpuAfter[name] ?? 0) - (cpuBefore[name] ?? 0);
    console.log(`  ${name.padEnd(32)} ${used.toFixed(1).padStart(6)} CPU s  (${((used / windowS) * 100).toFixed(0)}% of one core)`);
  }
  const benchS = (benchCpu.user + benchCpu.system) / 1e6;
  console.log(`  ${'bench main process'.padEnd(32)} ${benchS.toFixed(1).padStart(6)} CPU s  (${((benchS / windowS) * 100).toFixed(0)}% of one core)`);
  console.log(`  ${'whole machine'.padEnd(32)} ${busy.toFixed(1).padStart(6)} CPU s  (${((busy / windowS) * 100).toFixed(0)}% of one core; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')})`);
  if (insertPaths.length) {
    console.log('writing 20 batches of 500 log rows, each with its release update and NOTIFY, from this process:');
    for (const r of insertPaths) console.log(`  ${r.name.padEnd(40)} ${r.rowsPerSecond.toFixed(0).padStart(7)} rows/s  ${r.cpuMsPerRow.toFixed(3)} ms CPU per row`);
  }
  if (profileDir) console.log(`CPU profiles of the API and worker processes: ${profileDir}`);
  console.log(`total wall time ${((Date.now() - wallStart) / 1000).toFixed(0)} s`);

  const lost =
    release.state !== 'succeeded' ||
    !caughtUp ||
    broken.length > 0 ||
    stored.lines !== settings.lines ||
    !stored.inOrder ||
    base.lines !== settings.lines ||
    base.problems > 0;
  if (lost) console.log('FAILED: lines were lost, repeated or reordered, or the release did not succeed');
  return lost ? 1 : 0;
}

let code = 1;
try {
  code = await main();
} catch (error) {
  // After Ctrl-C the run fails because its processes are being stopped; that is not news.
  if (!tearingDown) console.error(`bench failed: ${(error as Error).stack ?? String(error)}`);
  for (const c of tearingDown ? [] : children) {
    const out = c.output().trim();
    if (out) console.error(`--- output of ${c.pid} ---\n${out.slice(-3000)}`);
  }
} finally {
  await teardown();
}
process.exit(code);

