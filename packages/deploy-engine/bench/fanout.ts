/**
 * Fan-out benchmark: ship one S MB artifact to N throwaway sshd hosts with the engine, and with the plain baseline
 * `ssh host 'tar -xz && ln -sfn …' < artifact` at the same concurrency, in the same process, and print the ratio.
 *
 *   BENCH_SIZE_MB=100 BENCH_HOSTS=20 BENCH_CONCURRENCY=10 BENCH_ROUNDS=2 BENCH_SSH_THREADS=<cores − 1> [BENCH_REAL_HOME=1] pnpm bench:fanout
 *
 * The engine side uses a prebuilt artifact (no checkout/build) and no restart or health check, so both sides do
 * the same work: move the bytes, unpack, switch. The engine additionally verifies the checksum on each host, takes
 * and frees the host lock, records history and runs cleanup; that overhead is what the ratio measures.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, createReadStream, readFileSync, mkdtempSync, openSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSshTransport, defaultSshThreads, startRelease, type Artifact, type ReleasePlan, type Target } from '../src/index.js';
import { startSshHosts, type SshHost } from '../test/harness/index.js';

const sizeMb = Number(process.env.BENCH_SIZE_MB ?? 100);
const hostCount = Number(process.env.BENCH_HOSTS ?? 20);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 10);
const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
// The API's default (SSH_THREADS).
const sshThreads = Number(process.env.BENCH_SSH_THREADS ?? defaultSshThreads());
// 1 = run commands with the login user's real ~/.bashrc (see startSshHosts' isolateHome).
const realHome = process.env.BENCH_REAL_HOME === '1';

async function makeArtifact(dir: string): Promise<Artifact> {
  const tree = join(dir, 'tree');
  mkdirSync(tree);
  // Random bytes do not compress, so the wire carries the full size on both sides.
  const file = join(tree, 'payload.bin');
  const chunk = 16 * 1024 * 1024;
  const fd = openSync(file, 'w');
  for (let written = 0; written < sizeMb * 1024 * 1024; written += chunk) {
    writeFileSync(fd, randomBytes(Math.min(chunk, sizeMb * 1024 * 1024 - written)));
  }
  closeSync(fd);
  writeFileSync(join(tree, 'VERSION'), 'bench\n');
  const path = join(dir, 'artifact.tar.gz');
  execFileSync('sh', ['-c', 'tar -cf - -C "$1" . | gzip -1 > "$2"', 'sh', tree, path]);
  rmSync(tree, { recursive: true });
  const hash = createHash('sha256');
  for await (const c of createReadStream(path)) hash.update(c as Buffer);
  return { path, sha256: hash.digest('hex'), size: statSync(path).size, commit: '0'.repeat(40) };
}

/** Busy CPU seconds of the whole machine so far (all cores), from /proc/stat; shows where the work went. */
function busyCpuSeconds(): number {
  const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  return (fields.reduce((a, b) => a + b, 0) - idle) / 100;
}

/**
 * CPU seconds of the sending side: this process (all its threads) plus its finished children (the baseline's ssh
 * clients), from /proc/self/stat. The rest of the machine's busy time is the hosts' sshd, tar, tee and hashing.
 */
function senderCpuSeconds(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
  // utime, stime, cutime, cstime are fields 14–17 of the line; after the command name they start at index 11.
  return ((fields[11] ?? 0) + (fields[12] ?? 0) + (fields[13] ?? 0) + (fields[14] ?? 0)) / 100;
}

/**
 * Flushes what earlier phases left in the page cache before a phase starts, so no phase pays for the disk writes
 * of the one before it (each writes 2 GB).
 */
function settle(): void {
  execFileSync('sync');
}

async function limited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await fn(item);
  }));
}

function baselineOne(host: SshHost, keyPath: string, artifactPath: string, releaseId: string): Promise<void> {
  const deploy = `${host.deployRoot}/baseline`;
  const remote = `mkdir -p ${deploy}/releases/${releaseId} && tar -xzf - -C ${deploy}/releases/${releaseId} && ln -sfn releases/${releaseId} ${deploy}/current.tmp && mv -T ${deploy}/current.tmp ${deploy}/current`;
  return new Promise((resolve, reject) => {
    const fd = openSync(artifactPath, 'r');
    const child = spawn('ssh', ['-i', keyPath, '-p', String(host.port), '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', '-o', 'BatchMode=yes', `${host.username}@${host.host}`, remote], {
      stdio: [fd, 'ignore', 'inherit'],
    });
    child.once('exit', (code) => {
      closeSync(fd);
      if (code === 0) resolve();
      else reject(new Error(`baseline ssh to ${host.port} exited ${code}`));
    });
  });
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'rp-bench-'));
  console.log(`fan-out bench: ${sizeMb} MB artifact → ${hostCount} hosts, concurrency ${concurrency}, ${rounds} round(s), ${sshThreads} SSH thread(s), ${realHome ? 'real' : 'isolated'} HOME on hosts`);
  const ssh = await startSshHosts(hostCount, { isolateHome: !realHome });
  try {
    const t0 = Date.now();
    const artifact = await makeArtifact(dir);
    console.log(`artifact: ${(artifact.size / 1024 / 1024).toFixed(1)} MB tar.gz (made in ${Date.now() - t0} ms)`);
    const targets: Target[] = ssh.hosts.map((h, i) => ({
      id: `h${i + 1}`,
      server: { host: h.host, port: h.port, username: h.username, privateKey: h.privateKey, hostKeyFingerprint: h.hostKeyFingerprint },
      deployPath: `${h.deployRoot}/engine`,
    }));
    const transport = createSshTransport({ threads: sshThreads });
    const engineTimes: number[] = [];
    const baselineTimes: number[] = [];
    for (let round = 1; round <= rounds; round++) {
      settle();
      const b0 = Date.now();
      const bCpu = busyCpuSeconds();
      const bSend = senderCpuSeconds();
      await limited(ssh.hosts, concurrency, (h) => baselineOne(h, ssh.clientKeyPath, artifact.path, `b${round}`));
      baselineTimes.push(Date.now() - b0);
      const baselineCpu = busyCpuSeconds() - bCpu;
      const baselineSend = senderCpuSeconds() - bSend;
      for (const h of ssh.hosts) rmSync(join(h.deployRoot, 'baseline'), { recursive: true, force: true });
      const plan: ReleasePlan = {
        releaseId: `e${round}`,
        project: 'bench',
        workDir: join(dir, 'work'),
        source: { gitUrl: 'file:///nonexistent', commit: artifact.commit },
        targets,
        rollout: { kind: 'parallel', concurrency },
        keepReleases: 1,
      };
      settle();
      const e0 = Date.now();
      const eCpu = busyCpuSeconds();
      const eSend = senderCpuSeconds();
      const stageTimes = new Map<string, number[]>();
      const result = await startRelease(plan, {
        transport,
        artifact,
        onEvent: (e) => {
          if (e.type === 'stage.finished' && process.env.BENCH_VERBOSE) stageTimes.set(e.stage, [...(stageTimes.get(e.stage) ?? []), e.durationMs]);
        },
      }).done;
      for (const [stage, times] of stageTimes) console.log(`  ${stage}: max ${Math.max(...times)} ms, avg ${Math.round(times.reduce((a, b) => a + b, 0) / times.length)} ms`);
      engineTimes.push(Date.now() - e0);
      const engineCpu = busyCpuSeconds() - eCpu;
      const engineSend = senderCpuSeconds() - eSend;
      if (result.status !== 'succeeded') throw new Error(`engine run failed: ${JSON.stringify(result.error ?? result.targets)}`);
      console.log(
        `round ${round}: baseline ${(baselineTimes.at(-1)! / 1000).toFixed(2)} s (${baselineCpu.toFixed(1)} CPU s, ${baselineSend.toFixed(1)} sending), ` +
          `engine ${(engineTimes.at(-1)! / 1000).toFixed(2)} s (${engineCpu.toFixed(1)} CPU s, ${engineSend.toFixed(1)} sending)`,
      );
      for (const h of ssh.hosts) rmSync(join(h.deployRoot, 'baseline'), { recursive: true, force: true });
    }
    const engine = Math.min(...engineTimes);
    const baseline = Math.min(...baselineTimes);
    const mbps = (ms: number) => ((sizeMb * hostCount) / (ms / 1000)).toFixed(0);
    console.log(`engine   wall time (best of ${rounds}): ${(engine / 1000).toFixed(2)} s  (${mbps(engine)} MB/s aggregate)`);
    console.log(`baseline wall time (best of ${rounds}): ${(baseline / 1000).toFixed(2)} s  (${mbps(baseline)} MB/s aggregate)`);
    console.log(`ratio engine/baseline: ${(engine / baseline).toFixed(2)} (target ≤ 1.25)`);
  } finally {
    await ssh.stopAll();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
