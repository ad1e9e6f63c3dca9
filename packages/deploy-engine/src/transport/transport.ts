import type { Readable } from 'node:stream';
import type { EngineError } from '../errors.js';
import type { ServerSpec } from '../types.js';

/**
 * What a command reads on stdin, then EOF. A stream is piped with back-pressure; a `file` is read by whoever holds
 * the connection, which for a threaded transport is the thread that encrypts (artifact uploads). A file with
 * `growing` (GrowingFile's shared state) is still being written: it is sent as its bytes arrive, until complete.
 */
export type ExecInput = Buffer | string | Readable | { file: string; growing?: SharedArrayBuffer };

export interface ExecOptions {
  stdin?: ExecInput;
  timeoutMs?: number;
  signal?: AbortSignal;
  onStdout?: (chunk: Buffer) => void;
  onStderr?: (chunk: Buffer) => void;
}

export interface ExecOutcome {
  /** null when the command was killed or the connection dropped before it reported a status. */
  exitCode: number | null;
  /** Collected stdout, capped (commands with big output stream it through onStdout instead). */
  stdout: string;
  stderrTail: string;
  durationMs: number;
  reason?: 'timeout' | 'aborted' | 'connection-lost';
}

/** One authenticated connection to one server; `exec` multiplexes channels over it. */
export interface Connection {
  exec(command: string, options?: ExecOptions): Promise<ExecOutcome>;
  close(): void;
}

export interface ConnectHooks {
  /**
   * Called when a server had no pinned fingerprint and its key was accepted on first use. `server` says which one:
   * with a jump host, both the jump host and the target may be learned during one connect.
   */
  onHostKeyLearned?: (fingerprint: string, server: { host: string; port: number }) => void;
  signal?: AbortSignal;
  /** A new connection even when an idle one to the same server is kept (see reuseIdleConnections). */
  fresh?: boolean;
}

export type ConnectOutcome = { ok: true; connection: Connection } | { ok: false; error: EngineError };

/** How the engine reaches targets. Production and tests both use the SSH one; the seam keeps stages SSH-agnostic. */
export interface Transport {
  connect(server: ServerSpec, hooks?: ConnectHooks): Promise<ConnectOutcome>;
  /** Closes the connections a transport keeps between runs; the process can then exit. */
  close?(): void;
  /** SSH connections open now in this process, idle kept ones included (for metrics). */
  openConnections?(): number;
}

export const STDOUT_CAP = 1024 * 1024;
export const STDERR_TAIL = 4096;

/** Keeps the first `cap` bytes of stdout (callers parse small outputs) and the last bytes of stderr (errors). */
export class OutputCollector {
  #stdout: Buffer[] = [];
  #stdoutLength = 0;
  #stderr = '';

  addStdout(chunk: Buffer): void {
    if (this.#stdoutLength >= STDOUT_CAP) return;
    const room = STDOUT_CAP - this.#stdoutLength;
    const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
    this.#stdout.push(part);
    this.#stdoutLength += part.length;
  }

  addStderr(chunk: Buffer): void {
    this.#stderr = (this.#stderr + chunk.toString()).slice(-STDERR_TAIL);
  }

  get stdout(): string {
    return Buffer.concat(this.#stdout).toString();
  }

  get stderrTail(): string {
    return this.#stderr;
  }
}
