import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Connection, ServerSpec, Transport } from '../src/index.js';
import { createThreadedSshTransport } from '../src/transport/threaded.js';
import { startSshHosts, type SshHosts } from './harness/index.js';

let ssh: SshHosts;

beforeAll(async () => {
  ssh = await startSshHosts(1);
});

afterAll(async () => {
  await ssh?.stopAll();
});

const server = (): ServerSpec => {
  const h = ssh.hosts[0]!;
  return { host: h.host, port: h.port, username: h.username, privateKey: h.privateKey, hostKeyFingerprint: h.hostKeyFingerprint };
};

/** OS threads of this process: a worker thread brings several (its isolate's), so its end shows here. */
const osThreads = () => readdirSync('/proc/self/task').length;

async function connect(transport: Transport): Promise<Connection> {
  const outcome = await transport.connect(server());
  if (!outcome.ok) throw new Error(outcome.error.message);
  return outcome.connection;
}

async function until(condition: () => boolean, ms: number): Promise<boolean> {
  for (const deadline = Date.now() + ms; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 50))) if (condition()) return true;
  return condition();
}

it('an SSH thread without connections ends after its idle time, and the next connection starts another', async () => {
  const transport = createThreadedSshTransport({ threads: 1, threadIdleMs: 300 });
  const before = osThreads();
  const first = await connect(transport);
  expect(await first.exec('echo one')).toMatchObject({ exitCode: 0, stdout: 'one\n' });
  const withThread = osThreads();
  expect(withThread).toBeGreaterThan(before);

  // Still connected: the thread stays however long that takes.
  await new Promise((resolve) => setTimeout(resolve, 600));
  expect(osThreads()).toBeGreaterThanOrEqual(withThread);
  first.close();
  expect(await until(() => osThreads() < withThread, 5_000)).toBe(true);

  const second = await connect(transport);
  expect(await second.exec('echo two')).toMatchObject({ exitCode: 0, stdout: 'two\n' });
  second.close();
});

it('a thread that gets a connection again before its idle time is up keeps running it', async () => {
  const transport = createThreadedSshTransport({ threads: 1, threadIdleMs: 500 });
  const first = await connect(transport);
  first.close();
  const second = await connect(transport);
  await new Promise((resolve) => setTimeout(resolve, 800));
  expect(await second.exec('echo still')).toMatchObject({ exitCode: 0, stdout: 'still\n' });
  second.close();
});
