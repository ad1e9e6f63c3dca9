import { execFileSync } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { appendFileSync, createReadStream, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSshTransport, type Connection, type ServerSpec, type SshTransportOptions } from '../src/index.js';
import { GrowingFile } from '../src/transport/growing-file.js';
import { startSshHosts, type SshHosts } from './harness/index.js';
import { tempDir } from './helpers.js';

let ssh: SshHosts;
const spec = (i: number): ServerSpec => {
  const h = ssh.hosts[i]!;
  return { host: h.host, port: h.port, username: h.username, privateKey: h.privateKey, hostKeyFingerprint: h.hostKeyFingerprint };
};

beforeAll(async () => {
  ssh = await startSshHosts(2);
});

afterAll(async () => {
  await ssh?.stopAll();
});

async function connect(server: ServerSpec, options: SshTransportOptions = {}): Promise<Connection> {
  const outcome = await createSshTransport(options).connect(server);
  if (!outcome.ok) throw new Error(outcome.error.message);
  return outcome.connection;
}

function running(pattern: string): boolean {
  try {
    execFileSync('pgrep', ['-f', pattern]);
    return true;
  } catch {
    return false;
  }
}

/**
 * Bash sources ~/.bashrc for every SSH exec; host 2's records each start in `name`, as a pyenv init would cost one.
 * Returns how many login shells have started since.
 */
function countLoginShells(name: string): () => number {
  const home = join(ssh.hosts[1]!.dir, 'home');
  const starts = join(home, name);
  writeFileSync(join(home, '.bashrc'), `echo started >> "$HOME/${name}"\n`);
  return () => (existsSync(starts) ? readFileSync(starts, 'utf8').split('\n').filter(Boolean).length : 0);
}

// Every behaviour holds whether the connections live in the calling thread or in worker threads.
describe.each([
  { where: 'in the calling thread', threads: 0 },
  { where: 'in worker threads', threads: 2 },
])('ssh transport $where', ({ threads }) => {
  const transport = (options: SshTransportOptions = {}) => createSshTransport({ ...options, threads });
  const open = (server: ServerSpec, options: SshTransportOptions = {}) => connect(server, { ...options, threads });

  it('returns exit code, stdout and stderr separately, and feeds stdin', async () => {
    const conn = await open(spec(0));
    const out = await conn.exec('cat; echo oops >&2; exit 3', { stdin: 'hello' });
    expect(out).toMatchObject({ exitCode: 3, stdout: 'hello', stderrTail: 'oops\n' });
    conn.close();
  });

  it('multiplexes many commands over one connection, at most 8 channels at a time', async () => {
    const conn = await open(spec(0));
    const dir = tempDir('rp-chan-');
    // Each command records how many siblings are running (entries in dir) while it holds a channel.
    const cmd = (i: number) => `touch ${dir}/${i}; sleep 0.3; ls ${dir} | wc -l; rm ${dir}/${i}`;
    const outs = await Promise.all(Array.from({ length: 20 }, (_, i) => conn.exec(cmd(i))));
    expect(outs.every((o) => o.exitCode === 0)).toBe(true);
    const peak = Math.max(...outs.map((o) => Number(o.stdout.trim())));
    expect(peak).toBeLessThanOrEqual(8);
    expect(peak).toBeGreaterThanOrEqual(4);
    conn.close();
  });

  it('a command timeout kills the remote process group, not just the channel', async () => {
    const conn = await open(spec(0));
    const marker = `rp-timeout-${process.pid}`;
    const out = await conn.exec(`sleep 30 & sleep 31; echo ${marker}`, { timeoutMs: 300 });
    expect(out).toMatchObject({ exitCode: null, reason: 'timeout' });
    await new Promise((r) => setTimeout(r, 300));
    expect(running('sleep 31')).toBe(false);
    conn.close();
  });

  it('an abort signal stops a running command the same way', async () => {
    const conn = await open(spec(0));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const started = Date.now();
    const out = await conn.exec('sleep 32', { signal: controller.signal });
    expect(out.reason).toBe('aborted');
    expect(Date.now() - started).toBeLessThan(3000);
    await new Promise((r) => setTimeout(r, 300));
    expect(running('sleep 32')).toBe(false);
    conn.close();
  });

  it('reaches a server through a jump host', async () => {
    // The target's address is only used from the jump host's side of the forwarded channel.
    const conn = await open({ ...spec(1), jumpHost: spec(0) });
    const out = await conn.exec('echo via-jump');
    expect(out).toMatchObject({ exitCode: 0, stdout: 'via-jump\n' });
    conn.close();
  });

  it('learns the keys of an unpinned jump host and target separately', async () => {
    const learned: { fingerprint: string; port: number }[] = [];
    const { hostKeyFingerprint: _a, ...target } = spec(1);
    const { hostKeyFingerprint: _b, ...jump } = spec(0);
    const outcome = await transport().connect({ ...target, jumpHost: jump }, { onHostKeyLearned: (fingerprint, server) => learned.push({ fingerprint, port: server.port }) });
    expect(outcome.ok).toBe(true);
    if (outcome.ok) outcome.connection.close();
    expect(learned).toEqual([
      { fingerprint: ssh.hosts[0]!.hostKeyFingerprint, port: ssh.hosts[0]!.port },
      { fingerprint: ssh.hosts[1]!.hostKeyFingerprint, port: ssh.hosts[1]!.port },
    ]);
  });

  it('a wrong pinned key on the jump host is reported as such', async () => {
    const outcome = await transport().connect({ ...spec(1), jumpHost: { ...spec(0), hostKeyFingerprint: spec(1).hostKeyFingerprint } });
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.error).toMatchObject({ code: 'host-key-mismatch', message: expect.stringMatching(/^jump host: /) });
  });

  it('gives up on a server that accepts TCP but never speaks SSH after the connect timeout', async () => {
    const sockets: Socket[] = [];
    const silent: Server = createServer((s) => sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as { port: number }).port;
    const started = Date.now();
    const outcome = await transport({ connectTimeoutMs: 500 }).connect({ ...spec(0), port });
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.error.code).toBe('connect-failed');
    expect(Date.now() - started).toBeLessThan(3000);
    sockets.forEach((s) => s.destroy());
    silent.close();
  });

  it('reports a connection lost mid-command as a value', async () => {
    const conn = await open(spec(0));
    const pending = conn.exec('sleep 5');
    await new Promise((r) => setTimeout(r, 200));
    conn.close();
    const out = await pending;
    expect(out.exitCode).toBeNull();
    expect(out.reason).toBeDefined();
  });

  it('streams stdin from a file or a stream and output through callbacks', async () => {
    const conn = await open(spec(0));
    const dir = tempDir('rp-stdin-');
    const file = join(dir, 'input.bin');
    const payload = Buffer.alloc(5 * 1024 * 1024 + 7, 'x');
    writeFileSync(file, payload);
    const fromFile = await conn.exec('wc -c', { stdin: { file } });
    expect(fromFile).toMatchObject({ exitCode: 0, stdout: `${payload.length}\n` });
    const fromStream = await conn.exec('sha256sum | cut -c1-8', { stdin: createReadStream(file) });
    expect(fromStream.stdout.trim()).toBe(execFileSync('sha256sum', [file], { encoding: 'utf8' }).slice(0, 8));
    const seen: string[] = [];
    const lines = await conn.exec('for i in 1 2 3; do echo out$i; echo err$i >&2; done', {
      onStdout: (chunk) => seen.push(chunk.toString()),
      onStderr: (chunk) => seen.push(chunk.toString()),
    });
    expect(lines.exitCode).toBe(0);
    expect(seen.join('').split('\n').filter(Boolean).sort()).toEqual(['err1', 'err2', 'err3', 'out1', 'out2', 'out3']);
    const missing = await conn.exec('cat >/dev/null', { stdin: { file: join(dir, 'nope') } });
    expect(missing.exitCode).toBeNull();
    expect(missing.stderrTail).toContain('ENOENT');
    conn.close();
  });

  it.each([{ sessions: true }, { sessions: false }])('hands each stream\'s output on while the command still runs (sessions: $sessions)', async ({ sessions }) => {
    const conn = await open(spec(0), { sessions });
    const seen = { stdout: '', stderr: '' };
    const stop = new AbortController();
    const running = conn.exec('echo ready; printf partial; echo warned >&2; sleep 30', {
      signal: stop.signal,
      onStdout: (chunk) => (seen.stdout += chunk.toString()),
      onStderr: (chunk) => (seen.stderr += chunk.toString()),
    });
    const deadline = Date.now() + 5000;
    while ((seen.stdout !== 'ready\npartial' || seen.stderr !== 'warned\n') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seen).toEqual({ stdout: 'ready\npartial', stderr: 'warned\n' });
    stop.abort();
    expect((await running).reason).toBe('aborted');
    conn.close();
  });

  it.each([{ sessions: true }, { sessions: false }])('sends a file while it is still being written, to its end (sessions: $sessions)', async ({ sessions }) => {
    const conn = await open(spec(0), { sessions });
    const dir = tempDir('rp-growing-');
    const file = join(dir, 'growing.bin');
    writeFileSync(file, '');
    const growing = new GrowingFile();
    const sent = conn.exec('sha256sum | cut -d" " -f1', { stdin: { file, growing: growing.shared } });
    // Pieces of different sizes, some below the feed's step, with pauses in which the feed has caught up.
    const pieces = [randomBytes(1000), randomBytes(5 * 1024 * 1024 + 3), randomBytes(70_000), randomBytes(9 * 1024 * 1024)];
    let written = 0;
    for (const piece of pieces) {
      await new Promise((resolve) => setTimeout(resolve, 150));
      appendFileSync(file, piece);
      written += piece.length;
      growing.grew(written);
    }
    growing.complete();
    const out = await sent;
    expect(out).toMatchObject({ exitCode: 0, stdout: `${createHash('sha256').update(Buffer.concat(pieces)).digest('hex')}\n` });
    // The connection (and its session) is still in step for the next command.
    expect(await conn.exec('head -c 3; echo', { stdin: 'abcdef' })).toMatchObject({ exitCode: 0, stdout: 'abc\n' });

    // A writer that fails stops the command; nothing waits for bytes that will never come.
    const broken = new GrowingFile();
    writeFileSync(file, 'partial');
    broken.grew(7);
    const stopped = conn.exec('cat >/dev/null; echo finished', { stdin: { file, growing: broken.shared } });
    await new Promise((resolve) => setTimeout(resolve, 100));
    broken.fail();
    const failed = await stopped;
    expect(failed.exitCode).toBeNull();
    expect(failed.stdout).not.toContain('finished');
    expect(failed.stderrTail).toContain('not written whole');
    expect(await conn.exec('echo still-works')).toMatchObject({ exitCode: 0, stdout: 'still-works\n' });
    conn.close();
  });

  it('starts the login shell once for many commands, and keeps each command\'s stdin and output apart', async () => {
    const count = countLoginShells(`starts-${threads}`);
    const conn = await open(spec(1));
    const dir = tempDir('rp-frames-');
    const file = join(dir, 'unread.bin');
    writeFileSync(file, Buffer.alloc(3 * 1024 * 1024, 'y'));
    for (let i = 0; i < 5; i++) {
      // Stdin the command never reads must not spill into the next command.
      const ignored = await conn.exec(`echo partial-$((${i} + 1)); echo rp-end-not-ours >&2; exit ${i}`, { stdin: { file } });
      expect(ignored).toMatchObject({ exitCode: i, stdout: `partial-${i + 1}\n`, stderrTail: 'rp-end-not-ours\n' });
      const read = await conn.exec('head -c 4; printf x', { stdin: 'abcdefgh' });
      expect(read).toMatchObject({ exitCode: 0, stdout: 'abcdx' });
    }
    expect(count()).toBe(1);
    conn.close();

    const plain = await open(spec(1), { sessions: false });
    for (let i = 0; i < 3; i++) expect((await plain.exec('true')).exitCode).toBe(0);
    expect(count()).toBe(4);
    plain.close();
  });

  it('keeps a closed connection for the next run to the same server, checks it, and drops it when idle', async () => {
    const count = countLoginShells(`reuse-${threads}`);
    const kept = createSshTransport({ threads, reuseIdleMs: 1500 });
    const run = async (hooks = {}) => {
      const outcome = await kept.connect(spec(1), hooks);
      if (!outcome.ok) throw new Error(outcome.error.message);
      const out = await outcome.connection.exec('echo ran');
      outcome.connection.close();
      return out.stdout;
    };
    // The first run starts one login shell (its session); the second reuses connection and session.
    expect(await run()).toBe('ran\n');
    expect(await run()).toBe('ran\n');
    expect(count()).toBe(1);
    // A connection test asks for a fresh one.
    expect(await run({ fresh: true })).toBe('ran\n');
    expect(count()).toBe(2);
    // Idle past the limit: closed, so the next run connects again.
    await new Promise((r) => setTimeout(r, 2000));
    expect(await run()).toBe('ran\n');
    expect(count()).toBe(3);
    // A server that is not pinned is never kept: its key must be shown to whoever learns it.
    const { hostKeyFingerprint: _pin, ...unpinned } = spec(1);
    for (let i = 0; i < 2; i++) {
      const outcome = await kept.connect(unpinned);
      if (!outcome.ok) throw new Error(outcome.error.message);
      await outcome.connection.exec('true');
      outcome.connection.close();
    }
    expect(count()).toBe(5);
    kept.close?.();
  });
});
