/**
 * Entry of an SSH worker thread: holds the connections the engine's thread opened here and runs their commands.
 * Private keys arrive by message and stay in memory, as they do in the in-thread transport.
 */
import { PassThrough } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parentPort, workerData } from 'node:worker_threads';
import { createInThreadSshTransport } from './ssh.js';
import type { FromThread, ThreadData, ToThread } from './thread-protocol.js';
import type { Connection, ExecOptions } from './transport.js';

const port = parentPort;
if (!port) throw new Error('ssh-thread must run as a worker thread');
const transport = createInThreadSshTransport((workerData as ThreadData).settings);
const connections = new Map<number, Connection>();
const connecting = new Map<number, AbortController>();
const running = new Map<number, { abort: AbortController; stdin?: PassThrough }>();
const send = (message: FromThread) => port.postMessage(message);

// The buffers an upload reads and encrypts are garbage once sent, but they live off the heap, and a thread with no
// command running allocates nothing, so V8 never collected them: the process kept 50-65 MiB per thread after a
// release, indefinitely. So the thread collects once it falls idle. `gc` from a fresh context: the flag only
// exposes it to contexts created while it is set, so it is unset again at once.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;
setFlagsFromString('--no-expose-gc');
const IDLE_GC_DELAY_MS = 2_000;
let idleGc: NodeJS.Timeout | undefined;

function collectWhenIdle(): void {
  clearTimeout(idleGc);
  if (running.size > 0) return;
  idleGc = setTimeout(collectGarbage, IDLE_GC_DELAY_MS);
  idleGc.unref();
}

async function connect(id: number, message: Extract<ToThread, { t: 'connect' }>): Promise<void> {
  const abort = new AbortController();
  connecting.set(id, abort);
  const outcome = await transport.connect(message.server, {
    signal: abort.signal,
    onHostKeyLearned: (fingerprint, server) => send({ t: 'host-key', id, fingerprint, server }),
  });
  connecting.delete(id);
  if (outcome.ok) {
    connections.set(id, outcome.connection);
    send({ t: 'connected', id, ok: true });
  } else send({ t: 'connected', id, ok: false, error: outcome.error });
}

async function exec(message: Extract<ToThread, { t: 'exec' }>): Promise<void> {
  const { id } = message;
  const connection = connections.get(message.conn);
  const abort = new AbortController();
  const job: { abort: AbortController; stdin?: PassThrough } = { abort };
  running.set(id, job);
  const options: ExecOptions = { signal: abort.signal };
  if (message.timeoutMs !== undefined) options.timeoutMs = message.timeoutMs;
  if (message.wantStdout) options.onStdout = (chunk) => send({ t: 'stdout', id, chunk });
  if (message.wantStderr) options.onStderr = (chunk) => send({ t: 'stderr', id, chunk });
  if (message.stdin === 'stream') options.stdin = job.stdin = new PassThrough({ highWaterMark: 1024 * 1024 });
  else if (message.stdin instanceof Uint8Array) options.stdin = Buffer.from(message.stdin.buffer, message.stdin.byteOffset, message.stdin.byteLength);
  else if (message.stdin !== undefined) options.stdin = message.stdin;
  const outcome = connection
    ? await connection.exec(message.command, options)
    : { exitCode: null, stdout: '', stderrTail: 'connection is closed', durationMs: 0, reason: 'connection-lost' as const };
  running.delete(id);
  send({ t: 'done', id, outcome });
  collectWhenIdle();
}

port.on('message', (message: ToThread) => {
  switch (message.t) {
    case 'connect':
      void connect(message.id, message);
      break;
    case 'cancel-connect':
      connecting.get(message.id)?.abort();
      break;
    case 'exec':
      void exec(message);
      break;
    case 'stdin': {
      const stdin = running.get(message.id)?.stdin;
      if (!stdin) break;
      // Acknowledge once the chunk is taken, so the sender keeps a bounded number of chunks in flight.
      stdin.write(message.chunk, () => send({ t: 'stdin-ack', id: message.id }));
      break;
    }
    case 'stdin-end':
      running.get(message.id)?.stdin?.end();
      break;
    case 'abort':
      running.get(message.id)?.abort.abort();
      break;
    case 'close':
      connections.get(message.conn)?.close();
      connections.delete(message.conn);
      break;
  }
});
