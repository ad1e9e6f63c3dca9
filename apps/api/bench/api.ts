/**
 * API read-path benchmark: the release list, one release and `/api/auth/me` at BENCH_CONNECTIONS connections
 * (autocannon), each against `/healthz` measured in the same run on the same process: the ratio is what
 * authentication, the database and serialisation cost on top of Fastify itself.
 *
 *   BENCH_SECONDS=10 BENCH_CONNECTIONS=50 BENCH_RELEASES=200 BENCH_ROUNDS=2 npm run bench:api
 *
 * Beside req/s and p99 it prints the CPU time per request of the API process and of the bench database's PostgreSQL
 * backends: on a shared machine the throughput moves with whatever else runs, the CPU each request costs much less.
 *
 * The product runs as its own process (the real server entry point, worker off, LOG_LEVEL as in production unless
 * BENCH_LOG_LEVEL says otherwise) on a throwaway database seeded through the REST API: one project, an environment of
 * five servers and BENCH_RELEASES queued releases. Uses TEST_DATABASE_URL if set, else scripts/test-pg.sh.
 * BENCH_CPU_PROF=/tmp/prof writes a V8 CPU profile of the API process when it exits; BENCH_ONLY=list,one,me,healthz
 * measures only the named endpoints (a profile of one of them alone). Nothing changes during a run, so the release
 * list and `/api/auth/me` are served from their one-second read cache but for one query a second; BENCH_READ_CACHE_MS=0
 * measures every request reaching the database, as while releases run and their events keep dropping the cache.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { createSampleAppRepo } from '@rp/deploy-engine/testing';
import { createTestDatabase } from '../test/db/test-database.js';
import { sampleCpu } from './cpu.js';
import { intEnv } from './env.js';
import { postgresServer } from './postgres.js';
import { BENCH_ADMIN_PASSWORD, login } from './rest.js';
import { startProduct } from './processes.js';

const settings = {
  seconds: intEnv('BENCH_SECONDS', 10, 1),
  connections: intEnv('BENCH_CONNECTIONS', 50, 1),
  releases: intEnv('BENCH_RELEASES', 200, 1),
  rounds: intEnv('BENCH_ROUNDS', 2, 1),
  only: process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',').map((name) => name.trim())) : null,
};

interface Figures {
  rps: number;
  p99: number;
  errors: number;
  /** CPU microseconds per request: the API process, and the PostgreSQL backends serving its database. */
  apiUs: number;
  pgUs: number;
}

/** The processes whose CPU a request costs. */
interface Costed {
  apiPid: number;
  pgPids: () => Promise<number[]>;
}

async function measure(url: string, token: string | null, costed: Costed): Promise<Figures> {
  // Each backend on its own: one that starts during the run counts from zero, one that ends is left out (its CPU is
  // lost with it) instead of making the sum shrink.
  const sample = async () => sampleCpu({ api: [costed.apiPid], ...Object.fromEntries((await costed.pgPids()).map((pid) => [`pg ${pid}`, [pid]])) });
  const before = await sample();
  const result = await autocannon({
    url,
    connections: settings.connections,
    duration: settings.seconds,
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  const after = await sample();
  const used = (name: string) => (after[name] ?? 0) - (before[name] ?? 0);
  const perRequest = (seconds: number) => (seconds * 1e6) / Math.max(1, result.requests.total);
  return {
    rps: result.requests.average,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
    apiUs: perRequest(used('api')),
    pgUs: perRequest(Object.keys(after).filter((name) => name.startsWith('pg ')).reduce((sum, name) => sum + used(name), 0)),
  };
}

const cpu = (f: Figures) => `CPU/req API ${f.apiUs.toFixed(0).padStart(4)} µs, PostgreSQL ${f.pgUs.toFixed(0).padStart(4)} µs`;

async function main(): Promise<void> {
  const cleanup: (() => unknown)[] = [];
  try {
    const server = postgresServer();
    if (server.stop) cleanup.push(server.stop);
    const database = await createTestDatabase('rp_bench_api');
    cleanup.push(() => database.drop());
    const dataDir = mkdtempSync(path.join(tmpdir(), 'rp-bench-api-'));
    cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const repo = createSampleAppRepo();
    cleanup.push(() => repo.remove());

    const api = await startProduct('server', {
      DATABASE_URL: database.url,
      SECRET_KEY: 'api-bench-secret-key-0123456789abcdef',
      ADMIN_PASSWORD: BENCH_ADMIN_PASSWORD,
      DATA_DIR: dataDir,
      WORKER_ENABLED: 'false',
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
      LOGIN_RATE_LIMIT_PER_MINUTE: '1000',
      ALLOW_FILE_GIT_URLS: 'true',
      ...(process.env.BENCH_READ_CACHE_MS ? { READ_CACHE_MS: process.env.BENCH_READ_CACHE_MS } : {}),
    }, process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.BENCH_CPU_PROF)}`] : []);
    cleanup.push(() => api.stop());

    const monitor = new pg.Client({ connectionString: database.url });
    await monitor.connect();
    cleanup.push(() => monitor.end());
    const costed: Costed = {
      apiPid: api.pid,
      pgPids: async () =>
        (await monitor.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()')).rows.map((r) => r.pid),
    };

    const { token, call } = await login(api.baseUrl);
    const group = await call<{ id: string }>('POST', '/api/groups', { name: 'bench' });
    const key = await call<{ id: string }>('POST', '/api/credentials', { groupId: group.id, name: 'key', kind: 'ssh_key', generate: true });
    const serverIds: string[] = [];
    for (let i = 1; i <= 5; i++) {
      const s = await call<{ id: string }>('POST', '/api/servers', { groupId: group.id, name: `web-${i}`, host: `10.0.0.${i}`, username: 'deploy', credentialId: key.id });
      serverIds.push(s.id);
    }
    const project = await call<{ id: string }>('POST', '/api/projects', { groupId: group.id, name: 'shop', gitUrl: repo.url, preset: 'nodejs' });
    const environment = await call<{ id: string }>('POST', `/api/projects/${project.id}/environments`, { name: 'prod', deployPath: '/srv/shop', serverIds });
    let lastId = '';
    for (let i = 0; i < settings.releases; i++) {
      lastId = (await call<{ id: string }>('POST', '/api/releases', { environmentId: environment.id, ref: 'main', description: `release ${i}` })).id;
    }

    const healthz = { key: 'healthz', name: 'GET /healthz', url: '/healthz', auth: false };
    const targets = [
      { key: 'list', name: 'GET /api/releases?pageSize=20', url: '/api/releases?pageSize=20', auth: true },
      { key: 'one', name: 'GET /api/releases/:id', url: `/api/releases/${lastId}`, auth: true },
      { key: 'me', name: 'GET /api/auth/me', url: '/api/auth/me', auth: true },
    ].filter((t) => !settings.only || settings.only.has(t.key));
    const measured = [healthz, ...targets].filter((t) => !settings.only || settings.only.has(t.key));
    console.log(`API bench: ${settings.connections} connections, ${settings.seconds} s per measurement, best of ${settings.rounds}; ${settings.releases} releases × 5 targets seeded`);
    const best = new Map<string, Figures[]>();
    for (let round = 1; round <= settings.rounds; round++) {
      for (const t of measured) {
        const figures = await measure(`${api.baseUrl}${t.url}`, t.auth ? token : null, costed);
        console.log(`round ${round}: ${t.name.padEnd(32)} ${figures.rps.toFixed(0).padStart(6)} req/s  p99 ${String(figures.p99).padStart(4)} ms  ${cpu(figures)}${figures.errors ? `  ${figures.errors} errors` : ''}`);
        best.set(t.name, [...(best.get(t.name) ?? []), figures]);
      }
    }
    const top = (name: string) => (best.get(name) ?? []).reduce((a, b) => (b.rps > a.rps ? b : a));
    const spread = (name: string) => (best.get(name) ?? []).map((f) => f.rps.toFixed(0)).join(' / ');
    const baseline = best.has(healthz.name) ? top(healthz.name) : null;
    console.log(baseline ? `\nbaseline GET /healthz: ${baseline.rps.toFixed(0)} req/s, p99 ${baseline.p99} ms, ${cpu(baseline)} (rounds ${spread(healthz.name)})` : '\nno /healthz baseline (BENCH_ONLY)');
    for (const t of targets) {
      const f = top(t.name);
      const ratio = baseline ? `  ratio to /healthz ${(f.rps / baseline.rps).toFixed(3)}` : '';
      console.log(`${t.name.padEnd(32)} ${f.rps.toFixed(0).padStart(6)} req/s  p99 ${String(f.p99).padStart(4)} ms${ratio}  ${cpu(f)}  (rounds ${spread(t.name)})`);
    }
  } finally {
    for (const step of cleanup.reverse()) await step();
  }
}

await main();
