import { Worker } from 'node:worker_threads';
import type { Readable } from 'node:stream';
import { engineError } from '../errors.js';
import type { ServerSpec } from '../types.js';
import { sshSettings, type Settings, type SshTransportOptions } from './ssh.js';
import type { FromThread, ThreadData, ToThread } from './thread-protocol.js';
import type { ConnectHooks, ConnectOutcome, Connection, ExecOptions, ExecOutcome, Transport } from './transport.js';

/** Streamed stdin chunks in flight per command; bounds memory while keeping the thread busy. */
const STDIN_WINDOW = 4;

/**
 * An SSH thread's young generation. What it allocates dies young (packets, stream bookkeeping); at V8's default the
 * young generation grew each thread's heap to 18-26 MiB during uploads, at 3 MiB it stays at ~11.
 */
const THREAD_YOUNG_GENERATION_MB = 3;

/** A thread without connections for this long ends, giving back its heap (~20 MiB); the next connection starts one. */
const THREAD_IDLE_MS = 30_000;

interface PendingExec {
  resolve: (outcome: ExecOutcome) => void;
  options: ExecOptions;
  /** Wakes the stdin pump when the thread acknowledged a chunk. */
  onAck?: () => void;
}

interface PendingConnect {
  resolve: (outcome: ConnectOutcome) => void;
  hooks: ConnectHooks;
}

const lost = (message: string): ExecOutcome => ({ exitCode: null, stdout: '', stderrTail: message, durationMs: 0, reason: 'connection-lost' });

/**
 * How to start a thread: the compiled `ssh-thread.js` next to this file, or in a source checkout (tests, `tsx`)
 * a bootstrap that registers tsx in the new thread before importing `ssh-thread.ts`.
 */
function threadEntry(): { entry: URL | string; eval: boolean } {
  if (!import.meta.url.endsWith('.ts')) return { entry: new URL('./ssh-thread.js', import.meta.url), eval: false };
  const tsx = import.meta.resolve('tsx/esm/api');
  const source = new URL('./ssh-thread.ts', import.meta.url).href;
  return { entry: `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(source)}); });`, eval: true };
}

class SshThread {
  readonly worker: Worker;
  connections = 0;
  readonly #execs = new Map<number, PendingExec>();
  readonly #connects = new Map<number, PendingConnect>();
  #dead: string | undefined;
  #retire: NodeJS.Timeout | undefined;

  constructor(
    settings: Settings,
    private readonly idleMs: number,
  ) {
    const { entry, eval: isCode } = threadEntry();
    const data: ThreadData = { settings };
    this.worker = new Worker(entry, { workerData: data, eval: isCode, resourceLimits: { maxYoungGenerationSizeMb: THREAD_YOUNG_GENERATION_MB } });
    this.worker.unref();
    this.worker.on('message', (message: FromThread) => this.#receive(message));
    this.worker.on('error', (err) => this.#die(`SSH thread failed: ${err.message}`));
    this.worker.on('exit', (code) => this.#die(`SSH thread exited (${code})`));
  }

  #receive(message: FromThread): void {
    switch (message.t) {
      case 'connected': {
        const pending = this.#connects.get(message.id);
        this.#connects.delete(message.id);
        if (!pending) return;
        if (message.ok) pending.resolve({ ok: true, connection: new ThreadedConnection(this, message.id) });
        else {
          this.release();
          pending.resolve({ ok: false, error: message.error });
        }
        return;
      }
      case 'host-key':
        this.#connects.get(message.id)?.hooks.onHostKeyLearned?.(message.fingerprint, message.server);
        return;
      case 'stdout':
      case 'stderr': {
        const options = this.#execs.get(message.id)?.options;
        const chunk = Buffer.from(message.chunk.buffer, message.chunk.byteOffset, message.chunk.byteLength);
        if (message.t === 'stdout') options?.onStdout?.(chunk);
        else options?.onStderr?.(chunk);
        return;
      }
      case 'stdin-ack':
        this.#execs.get(message.id)?.onAck?.();
        return;
      case 'done': {
        const pending = this.#execs.get(message.id);
        this.#execs.delete(message.id);
        pending?.resolve(message.outcome);
        return;
      }
    }
  }

  #die(reason: string): void {
    if (this.#dead) return;
    this.#dead = reason;
    for (const pending of this.#connects.values()) pending.resolve({ ok: false, error: engineError('connect-failed', reason) });
    for (const pending of this.#execs.values()) pending.resolve(lost(reason));
    this.#connects.clear();
    this.#execs.clear();
  }

  get alive(): boolean {
    return this.#dead === undefined;
  }

  post(message: ToThread): void {
    if (this.alive) this.worker.postMessage(message);
  }

  connect(id: number, server: ServerSpec, hooks: ConnectHooks): Promise<ConnectOutcome> {
    if (!this.alive) return Promise.resolve({ ok: false, error: engineError('connect-failed', this.#dead ?? 'SSH thread is gone') });
    this.hold();
    return new Promise((resolve) => {
      const onAbort = () => this.post({ t: 'cancel-connect', id });
      hooks.signal?.addEventListener('abort', onAbort, { once: true });
      this.#connects.set(id, {
        hooks,
        resolve: (outcome) => {
          hooks.signal?.removeEventListener('abort', onAbort);
          resolve(outcome);
        },
      });
      this.post({ t: 'connect', id, server });
    });
  }

  exec(conn: number, id: number, command: string, options: ExecOptions): Promise<ExecOutcome> {
    if (!this.alive) return Promise.resolve(lost(this.#dead ?? 'SSH thread is gone'));
    return new Promise((resolve) => {
      const pending: PendingExec = { options, resolve };
      const onAbort = () => this.post({ t: 'abort', id });
      options.signal?.addEventListener('abort', onAbort, { once: true });
      pending.resolve = (outcome) => {
        options.signal?.removeEventListener('abort', onAbort);
        resolve(outcome);
      };
      this.#execs.set(id, pending);
      const stdin = options.stdin;
      const wire = stdin === undefined || typeof stdin === 'string' || 'file' in stdin ? stdin : Buffer.isBuffer(stdin) ? new Uint8Array(stdin) : 'stream';
      const message: ToThread = { t: 'exec', conn, id, command, wantStdout: !!options.onStdout, wantStderr: !!options.onStderr };
      if (wire !== undefined) message.stdin = wire;
      if (options.timeoutMs !== undefined) message.timeoutMs = options.timeoutMs;
      this.post(message);
      if (options.signal?.aborted) onAbort();
      if (wire === 'stream') void this.#pump(id, stdin as Readable, pending);
    });
  }

  /** Forwards a caller's stream to the thread with at most STDIN_WINDOW chunks unacknowledged. */
  async #pump(id: number, stream: Readable, pending: PendingExec): Promise<void> {
    let inFlight = 0;
    let wake: (() => void) | undefined;
    pending.onAck = () => {
      inFlight--;
      wake?.();
    };
    try {
      for await (const chunk of stream) {
        if (!this.#execs.has(id)) break;
        this.post({ t: 'stdin', id, chunk: new Uint8Array(chunk as Buffer) });
        inFlight++;
        while (inFlight >= STDIN_WINDOW && this.#execs.has(id)) await new Promise<void>((resolve) => (wake = resolve));
      }
      this.post({ t: 'stdin-end', id });
    } catch {
      this.post({ t: 'abort', id });
    } finally {
      stream.destroy();
    }
  }

  /** A thread with live connections keeps the process running; an idle one does not, and ends after a while. */
  hold(): void {
    clearTimeout(this.#retire);
    if (this.connections++ === 0) this.worker.ref();
  }

  release(): void {
    if (--this.connections > 0) return;
    this.worker.unref();
    this.#retire = setTimeout(() => {
      if (this.connections > 0) return;
      // Dead first, so the pool starts a new thread instead of handing this one a connection.
      this.#die('SSH thread retired while idle');
      void this.worker.terminate();
    }, this.idleMs);
    this.#retire.unref();
  }
}

class ThreadedConnection implements Connection {
  #closed = false;

  constructor(
    private readonly thread: SshThread,
    private readonly id: number,
  ) {}

  exec(command: string, options: ExecOptions = {}): Promise<ExecOutcome> {
    if (this.#closed) return Promise.resolve(lost('connection is closed'));
    return this.thread.exec(this.id, nextId(), command, options);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.thread.post({ t: 'close', conn: this.id });
    this.thread.release();
  }
}

let lastId = 0;
const nextId = () => ++lastId;

/** SSH connections spread over `threads` worker threads, each connection living in the least busy one. */
export function createThreadedSshTransport(options: SshTransportOptions & { threads: number; threadIdleMs?: number }): Transport {
  const settings = sshSettings(options);
  const threads: SshThread[] = [];
  const pick = (): SshThread => {
    for (let i = threads.length - 1; i >= 0; i--) if (!threads[i]?.alive) threads.splice(i, 1);
    if (threads.length < options.threads) {
      const thread = new SshThread(settings, options.threadIdleMs ?? THREAD_IDLE_MS);
      threads.push(thread);
      return thread;
    }
    return threads.reduce((a, b) => (b.connections < a.connections ? b : a));
  };
  return {
    connect: (server, hooks = {}) => pick().connect(nextId(), server, hooks),
    openConnections: () => threads.reduce((n, t) => n + (t.alive ? t.connections : 0), 0),
  };
}
