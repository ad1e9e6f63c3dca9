/**
 * Project-sync benchmark: a full sync of BENCH_PROJECTS (default 5,000) projects from the GitLab stand-in through the
 * product's REST API, and the latency of another route while it runs against the same route on the idle process,
 * measured in this run (autocannon, BENCH_CONNECTIONS connections, default 10).
 *
 *   BENCH_PROJECTS=5000 BENCH_CONNECTIONS=10 npm run bench:git-sync
 *
 * The product runs as its own process (worker off, so only the "sync" button syncs) on a throwaway database.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { createTestDatabase } from '../test/db/test-database.js';
import { startGitLabStandIn } from '../test/helpers/gitlab-stand-in/index.js';
import { intEnv } from './env.js';
import { postgresServer } from './postgres.js';
import { startProduct } from './processes.js';
import { BENCH_ADMIN_PASSWORD, login } from './rest.js';

const projects = intEnv('BENCH_PROJECTS', 5000, 1);
const connections = intEnv('BENCH_CONNECTIONS', 10, 1);
const TOKEN = 'glpat-bench-sync';

interface PlatformView {
  id: string;
  sync: { runningSince: string | null; ok: boolean | null; message: string | null; projects: number };
}

interface Latency {
  requests: number;
  p50: number;
  p99: number;
  max: number;
  errors: number;
}

/** Latency of `url` until `until` settles, or for that many seconds. */
function latency(url: string, token: string, until: Promise<unknown> | number): Promise<Latency> {
  return new Promise((resolve, reject) => {
    const instance = autocannon({ url, connections, duration: typeof until === 'number' ? until : 600, headers: { authorization: `Bearer ${token}` } }, (error, result) => {
      if (error) reject(error);
      else resolve({ requests: result.requests.total, p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max, errors: result.errors + result.non2xx });
    });
    if (typeof until !== 'number') void until.finally(() => instance.stop());
  });
}

async function main(): Promise<void> {
  const cleanup: (() => unknown)[] = [];
  try {
    const server = postgresServer();
    if (server.stop) cleanup.push(server.stop);
    const database = await createTestDatabase('rp_bench_git_sync');
    cleanup.push(() => database.drop());
    const dataDir = mkdtempSync(path.join(tmpdir(), 'rp-bench-sync-'));
    cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const gitlab = await startGitLabStandIn({ token: TOKEN, basePath: '/gitlab' });
    cleanup.push(() => gitlab.close());
    gitlab.addManyProjects(projects, { namespace: 'bench' });

    const api = await startProduct('server', {
      DATABASE_URL: database.url,
      SECRET_KEY: 'sync-bench-secret-key-0123456789abcdef',
      ADMIN_PASSWORD: BENCH_ADMIN_PASSWORD,
      DATA_DIR: dataDir,
      WORKER_ENABLED: 'false',
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
      LOGIN_RATE_LIMIT_PER_MINUTE: '1000',
      GIT_ALLOW_PRIVATE_HOSTS: 'true',
      READ_CACHE_MS: '0',
    });
    cleanup.push(() => api.stop());
    const { token, call } = await login(api.baseUrl);
    const group = await call<{ id: string }>('POST', '/api/groups', { name: 'bench' });
    const credential = await call<{ id: string }>('POST', '/api/credentials', { groupId: group.id, name: 'bot', kind: 'git_token', token: TOKEN });
    const platform = await call<PlatformView>('POST', '/api/git-platforms', { groupId: group.id, name: 'GitLab', kind: 'gitlab', baseUrl: gitlab.url, credentialId: credential.id });
    const probe = `${api.baseUrl}/api/git-platforms?pageSize=20`;

    console.log(`git sync bench: ${projects} projects, ${connections} connections on GET /api/git-platforms meanwhile`);
    const idle = await latency(probe, token, 5);
    const began = performance.now();
    await call('POST', `/api/git-platforms/${platform.id}/sync`, { mode: 'full' });
    const finished = (async () => {
      for (;;) {
        const view = await call<PlatformView>('GET', `/api/git-platforms/${platform.id}`);
        if (view.sync.runningSince === null) return { view, seconds: (performance.now() - began) / 1000 };
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    const during = await latency(probe, token, finished);
    const { view, seconds } = await finished;
    if (!view.sync.ok || view.sync.projects !== projects) throw new Error(`sync did not store every project: ${JSON.stringify(view.sync)}`);
    console.log(`full sync of ${view.sync.projects} projects: ${seconds.toFixed(2)} s (${(view.sync.projects / seconds).toFixed(0)} projects/s); the product says "${view.sync.message}"`);
    const line = (what: string, f: Latency) =>
      `${what.padEnd(16)} ${String(f.requests).padStart(6)} requests  p50 ${f.p50} ms  p99 ${f.p99} ms  max ${f.max} ms${f.errors ? `  ${f.errors} errors` : ''}`;
    console.log(line('idle', idle));
    console.log(line('during the sync', during));
    console.log(`p99 during / idle: ${(during.p99 / Math.max(1, idle.p99)).toFixed(2)}`);
  } finally {
    for (const step of cleanup.reverse()) await step();
  }
}

await main();
