/**
 * Monitoring benchmark: the CPU the monitoring loop costs the process that runs it (a worker), with BENCH_HOSTS real
 * sshd hosts (default 20) each a server of BENCH_ENVIRONMENTS environments (default 10), so 200 host checks per
 * interval, against the same process idle over the same time span (monitoring off). A script that prints figures.
 *
 *   BENCH_INTERVAL_SECONDS=30 BENCH_INTERVALS=3 BENCH_HOSTS=20 BENCH_ENVIRONMENTS=10 npm run bench:monitor
 *
 * BENCH_SSH_THREADS and BENCH_SSH_REUSE_SECONDS are the product's SSH_THREADS and SSH_REUSE_SECONDS (default its
 * own). CPU is process.cpuUsage() (every thread, so the SSH threads too; sshd's own work on the hosts is not ours),
 * as a percentage of one core. Each check runs a command health check, `readlink` and `df` on its host; the project
 * has no service manager. The first interval (handshakes) is not measured. Needs root for the hosts' shared deploy
 * path; uses TEST_DATABASE_URL if set, else scripts/test-pg.sh.
 */
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { defaultSshThreads, type Transport } from '@rp/deploy-engine';
import { startSshHosts } from '@rp/deploy-engine/testing';
import { applyMigrations } from '../src/db/migrate.js';
import { scheduleMonitoring } from '../src/monitoring/schedule.js';
import { createPlatformTransport } from '../src/plugins/app/ssh.js';
import { createDb } from '../src/shared/db.js';
import { createSecretBox } from '../src/shared/secret-box.js';
import { createTestDatabase } from '../test/db/test-database.js';
import { intEnv } from './env.js';
import { postgresServer } from './postgres.js';
import { Cleanup } from './release/cleanup.js';

const intervalSeconds = intEnv('BENCH_INTERVAL_SECONDS', 30, 1);
const intervals = intEnv('BENCH_INTERVALS', 3, 1);
const hostCount = intEnv('BENCH_HOSTS', 20, 1);
const environmentCount = intEnv('BENCH_ENVIRONMENTS', 10, 1);
const sshThreads = intEnv('BENCH_SSH_THREADS', defaultSshThreads(), 0);
const sshReuseSeconds = intEnv('BENCH_SSH_REUSE_SECONDS', 30, 0);
const RELEASE = 'r-bench';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** CPU seconds (user + system, every thread) this process uses while `during` runs. */
async function cpuSeconds(during: () => Promise<unknown>): Promise<{ cpu: number; wall: number }> {
  const cpu = process.cpuUsage();
  const began = performance.now();
  await during();
  const used = process.cpuUsage(cpu);
  return { cpu: (used.user + used.system) / 1e6, wall: (performance.now() - began) / 1000 };
}

const percent = (m: { cpu: number; wall: number }) => (100 * m.cpu) / m.wall;

/** Counts the connections asked for: one per check. */
function counting(inner: Transport): Transport & { close: () => void; count: () => number } {
  let n = 0;
  return {
    connect: (server, hooks) => {
      n++;
      return inner.connect(server, hooks);
    },
    close: () => inner.close?.(),
    count: () => n,
  };
}

async function main(): Promise<void> {
  const cleanup = new Cleanup();
  try {
    const checksPerInterval = hostCount * environmentCount;
    console.log(
      `monitor bench: ${hostCount} sshd hosts × ${environmentCount} environments = ${checksPerInterval} host checks per ${intervalSeconds} s interval, ` +
        `${intervals} measured interval(s); SSH threads ${sshThreads}, connections kept ${sshReuseSeconds} s`,
    );
    const pgServer = postgresServer();
    if (pgServer.stop) cleanup.add(pgServer.stop);
    const database = await createTestDatabase('rp_bench_monitor');
    cleanup.add(() => database.drop());
    await applyMigrations(database.url);
    const db = createDb(database.url);
    cleanup.add(() => db.$disconnect());
    const secrets = createSecretBox(randomBytes(32));

    const mount = `/tmp/rp-bench-monitor-${randomBytes(4).toString('hex')}`;
    cleanup.add(() => rmSync(mount, { recursive: true, force: true }));
    const ssh = await startSshHosts(hostCount, { deployMount: mount });
    cleanup.add(() => ssh.stopAll());
    for (const h of ssh.hosts) {
      mkdirSync(path.join(h.deployRoot, 'app/releases', RELEASE), { recursive: true });
      writeFileSync(path.join(h.deployRoot, 'app/releases', RELEASE, 'VERSION'), '1\n');
      symlinkSync(`releases/${RELEASE}`, path.join(h.deployRoot, 'app/current'));
    }

    const group = await db.group.create({ data: { name: 'bench' } });
    const key = ssh.hosts[0]?.privateKey ?? '';
    const credential = await db.credential.create({ data: { groupId: group.id, name: 'deploy', kind: 'ssh_key', secret: secrets.encrypt(key) } });
    const servers = [];
    for (const [i, h] of ssh.hosts.entries()) {
      servers.push(
        await db.server.create({
          data: { groupId: group.id, name: `web-${i + 1}`, host: h.host, port: h.port, username: h.username, credentialId: credential.id, hostKeyFingerprint: h.hostKeyFingerprint },
        }),
      );
    }
    const project = await db.project.create({
      data: { groupId: group.id, name: 'app', gitUrl: 'https://git.example.com/app.git', preset: 'shell', healthCheck: { type: 'command', command: 'test -f VERSION', timeoutSeconds: 5 } },
    });
    const rollout = { strategy: 'parallel', concurrency: 4 };
    for (let e = 0; e < environmentCount; e++) {
      await db.environment.create({
        data: {
          projectId: project.id,
          name: `env-${e + 1}`,
          deployPath: `${mount}/app`,
          rollout,
          monitor: { intervalSeconds },
          servers: { create: servers.map((s) => ({ serverId: s.id })) },
        },
      });
    }

    const transport = counting(createPlatformTransport({ sshThreads, sshSessions: true, sshReuseSeconds }));
    cleanup.add(() => transport.close());
    const span = intervals * intervalSeconds * 1000;
    const warnings: string[] = [];

    const idle = await cpuSeconds(() => sleep(span));
    const stop = scheduleMonitoring({ db, transport, secrets, log: { warn: (msg) => warnings.push(msg) } }, { intervalSeconds });
    cleanup.add(stop);
    await sleep(intervalSeconds * 1000);
    const before = transport.count();
    const busy = await cpuSeconds(() => sleep(span));
    const checks = transport.count() - before;
    await stop();

    const states = await db.hostStatus.groupBy({ by: ['state'], _count: true });
    console.log(`host states at the end: ${states.map((s) => `${s.state} ${s._count}`).join(', ')}; ${warnings.length} warning(s)${warnings[0] ? `, first: ${warnings[0]}` : ''}`);
    console.log(`idle, monitoring off:   ${percent(idle).toFixed(2)} % of one core (${idle.cpu.toFixed(2)} CPU s in ${idle.wall.toFixed(1)} s)`);
    console.log(`monitoring ${checksPerInterval} hosts: ${percent(busy).toFixed(2)} % of one core (${busy.cpu.toFixed(2)} CPU s in ${busy.wall.toFixed(1)} s, ${checks} checks, ${((1000 * (busy.cpu - idle.cpu)) / Math.max(1, checks)).toFixed(2)} CPU ms per check above idle)`);
    console.log(`monitoring / idle: ${(busy.cpu / Math.max(idle.cpu, 1e-6)).toFixed(1)}×`);
  } finally {
    await cleanup.run();
  }
}

await main();
