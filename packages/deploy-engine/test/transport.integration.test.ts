import { execFileSync } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSshTransport, type Connection, type ServerSpec } from '../src/index.js';
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

async function connect(server: ServerSpec, options = {}): Promise<Connection> {
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

describe('ssh transport', () => {
  it('returns exit code, stdout and stderr separately, and feeds stdin', async () => {
    const conn = await connect(spec(0));
    const out = await conn.exec('cat; echo oops >&2; exit 3', { stdin: 'hello' });
    expect(out).toMatchObject({ exitCode: 3, stdout: 'hello', stderrTail: 'oops\n' });
    conn.close();
  });

  it('multiplexes many commands over one connection, at most 8 channels at a time', async () => {
    const conn = await connect(spec(0));
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
    const conn = await connect(spec(0));
    const marker = `rp-timeout-${process.pid}`;
    const out = await conn.exec(`sleep 30 & sleep 31; echo ${marker}`, { timeoutMs: 300 });
    expect(out).toMatchObject({ exitCode: null, reason: 'timeout' });
    await new Promise((r) => setTimeout(r, 300));
    expect(running('sleep 31')).toBe(false);
    conn.close();
  });

  it('an abort signal stops a running command the same way', async () => {
    const conn = await connect(spec(0));
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
    const conn = await connect({ ...spec(1), jumpHost: spec(0) });
    const out = await conn.exec('echo via-jump');
    expect(out).toMatchObject({ exitCode: 0, stdout: 'via-jump\n' });
    conn.close();
  });

  it('learns the keys of an unpinned jump host and target separately', async () => {
    const learned: { fingerprint: string; port: number }[] = [];
    const { hostKeyFingerprint: _a, ...target } = spec(1);
    const { hostKeyFingerprint: _b, ...jump } = spec(0);
    const outcome = await createSshTransport().connect({ ...target, jumpHost: jump }, { onHostKeyLearned: (fingerprint, server) => learned.push({ fingerprint, port: server.port }) });
    expect(outcome.ok).toBe(true);
    if (outcome.ok) outcome.connection.close();
    expect(learned).toEqual([
      { fingerprint: ssh.hosts[0]!.hostKeyFingerprint, port: ssh.hosts[0]!.port },
      { fingerprint: ssh.hosts[1]!.hostKeyFingerprint, port: ssh.hosts[1]!.port },
    ]);
  });

  it('a wrong pinned key on the jump host is reported as such', async () => {
    const outcome = await createSshTransport().connect({ ...spec(1), jumpHost: { ...spec(0), hostKeyFingerprint: spec(1).hostKeyFingerprint } });
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.error).toMatchObject({ code: 'host-key-mismatch', message: expect.stringMatching(/^jump host: /) });
  });

  it('gives up on a server that accepts TCP but never speaks SSH after the connect timeout', async () => {
    const sockets: Socket[] = [];
    const silent: Server = createServer((s) => sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as { port: number }).port;
    const started = Date.now();
    const outcome = await createSshTransport({ connectTimeoutMs: 500 }).connect({ ...spec(0), port });
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.error.code).toBe('connect-failed');
    expect(Date.now() - started).toBeLessThan(3000);
    sockets.forEach((s) => s.destroy());
    silent.close();
  });

  it('reports a connection lost mid-command as a value', async () => {
    const conn = await connect(spec(0));
    const pending = conn.exec('sleep 5');
    await new Promise((r) => setTimeout(r, 200));
    conn.close();
    const out = await pending;
    expect(out.exitCode).toBeNull();
    expect(out.reason).toBeDefined();
  });
});
