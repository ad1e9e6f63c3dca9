/**
 * Release benchmark: the product end to end through its REST API on N real sshd hosts, against a plain
 * `ssh host 'tar -xz … && ln -sfn … && mv -T …' < artifact` baseline (and Ansible when `ansible-playbook` is on PATH)
 * measured in the same run on the same hosts with the same login shell. A script that prints figures, not a test.
 *
 *   BENCH_HOSTS=20 BENCH_SIZES=100,1 BENCH_CONCURRENCY=10 BENCH_ROUNDS=2 BENCH_SCALE=1,5,10,20 \
 *   BENCH_EMPTY_HOME=0 BENCH_MEMORY=1 BENCH_MEMORY_SETTLE_SECONDS=60 npm run bench:release
 *
 * Other switches: BENCH_SIZE_MB (one size instead of BENCH_SIZES), BENCH_MEMORY_RELEASES=10,
 * BENCH_MEMORY_TARGETS=5, BENCH_MEMORY_SIZE_MB (default the largest size), BENCH_LOG_LEVEL=info (the product's
 * LOG_LEVEL), BENCH_SSH_THREADS (the product's SSH_THREADS; default its own), BENCH_SEPARATE_WORKER=1 (an API process
 * with WORKER_ENABLED=false plus a worker process, instead of one process as `npm start` runs it). BENCH_SCALE=0 or
 * BENCH_MEMORY=0 skip those phases. Uses TEST_DATABASE_URL if set, else scripts/test-pg.sh.
 *
 * Per artifact size: releases of a project whose build writes that many MB of random bytes (a new commit each, so
 * each builds and uploads a new artifact; no restart, no health check), timed from the API call to `succeeded`, with
 * the fan-out window (first target's upload start → last target's finish) from the release's own stage events;
 * then rollbacks between the last two releases. The hosts run a version-manager-like `~/.bashrc` (~100 forks per SSH
 * command) unless BENCH_EMPTY_HOME=1. Then the 1 MB artifact to 1 / 5 / 10 / 20 hosts, and the product's memory with
 * 10 releases × 5 hosts running at once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { createSampleAppRepo, startSshHosts } from '@rp/deploy-engine/testing';
import { createTestDatabase } from '../test/db/test-database.js';
import { postgresServer } from './postgres.js';
import { BENCH_ADMIN_PASSWORD } from './rest.js';
import { Cleanup } from './release/cleanup.js';
import { BenchContext } from './release/context.js';
import { registerFleet } from './release/fleet.js';
import { measureShellCost, VERSION_MANAGER_BASHRC, type ShellCost } from './release/login-shell.js';
import { memoryPhase } from './release/memory-phase.js';
import { startProductProcesses } from './release/product.js';
import { scalePhase } from './release/scale-phase.js';
import { readSettings } from './release/settings.js';
import { sizePhase } from './release/size-phase.js';
import { printSummary, type AllFigures } from './release/summary.js';

const describeCost = (c: ShellCost) => `${c.seconds.toFixed(3)} s (~${Math.round(c.forks)} forks, machine-wide)`;

async function main(): Promise<void> {
  const started = performance.now();
  const settings = readSettings();
  const cleanup = new Cleanup();
  try {
    console.log(
      `release bench: ${settings.hosts} sshd hosts (${settings.emptyHome ? 'empty home' : 'version-manager ~/.bashrc'}), sizes ${settings.sizesMb.length > 0 ? `${settings.sizesMb.join(', ')} MB` : 'none'}, ` +
        `concurrency ${settings.concurrency}, ${settings.rounds} round(s), scale ${settings.scale.join('/') || 'off'}, memory ${settings.memory ? 'on' : 'off'}, ` +
        `product ${settings.separateWorker ? 'API + worker processes' : 'one process (API with its worker, as npm start)'}`,
    );
    const dir = mkdtempSync(path.join(tmpdir(), 'rp-bench-release-'));
    cleanup.add(() => rmSync(dir, { recursive: true, force: true }));
    const pgServer = postgresServer();
    if (pgServer.stop) cleanup.add(pgServer.stop);
    const database = await createTestDatabase('rp_bench_release');
    cleanup.add(() => database.drop());
    const repo = createSampleAppRepo(dir);

    // One deploy path for all hosts, each sshd seeing its own directory there, as an environment's servers do.
    const mount = `/tmp/rp-bench-deploy-${randomBytes(4).toString('hex')}`;
    cleanup.add(() => rmSync(mount, { recursive: true, force: true }));
    const bashrc = settings.emptyHome ? undefined : VERSION_MANAGER_BASHRC;
    const ssh = await startSshHosts(settings.hosts, { deployMount: mount, bashrc });
    cleanup.add(() => ssh.stopAll());

    // What one SSH round trip costs with each kind of login shell, on hosts of both kinds.
    const probe = await startSshHosts(1, { bashrc: settings.emptyHome ? VERSION_MANAGER_BASHRC : undefined });
    const [used, other] = [await measureShellCost(ssh.hosts[0]!, ssh.clientKeyPath), await measureShellCost(probe.hosts[0]!, probe.clientKeyPath)];
    await probe.stopAll();
    const [bashrcCost, emptyCost] = settings.emptyHome ? [other, used] : [used, other];
    console.log(`one \`ssh host true\`: version-manager ~/.bashrc ${describeCost(bashrcCost)}, empty home ${describeCost(emptyCost)}; this run uses ${settings.emptyHome ? 'the empty home' : 'the ~/.bashrc'}`);

    const product = await startProductProcesses({
      DATABASE_URL: database.url,
      SECRET_KEY: 'release-bench-secret-key-0123456789abcdef',
      ADMIN_PASSWORD: BENCH_ADMIN_PASSWORD,
      DATA_DIR: path.join(dir, 'data'),
      LOG_LEVEL: settings.logLevel,
      LOGIN_RATE_LIMIT_PER_MINUTE: '1000',
      ALLOW_FILE_GIT_URLS: 'true',
      WORKER_CONCURRENCY: String(settings.memoryReleases),
      ...(settings.sshThreads === undefined ? {} : { SSH_THREADS: String(settings.sshThreads) }),
    }, { separateWorker: settings.separateWorker });
    cleanup.add(() => product.stop());
    const fleet = await registerFleet(product.api, ssh);
    const ctx = new BenchContext(settings, product, ssh, mount, fleet, repo, dir);

    const figures: AllFigures = { emptyHome: settings.emptyHome, sizes: [], scale: [], memory: null };
    for (const sizeMb of settings.sizesMb) figures.sizes.push(await sizePhase(ctx, sizeMb));
    if (settings.scale.length > 0) figures.scale = await scalePhase(ctx);
    if (settings.memory) figures.memory = await memoryPhase(ctx);
    printSummary(figures);
  } finally {
    await cleanup.run();
    console.log(`\nbench took ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }
}

await main();
