import { Client, type ClientChannel, type ConnectConfig } from 'ssh2';
import type { Duplex, Writable } from 'node:stream';
import { engineError } from '../errors.js';
import { Semaphore } from '../semaphore.js';
import type { ServerSpec } from '../types.js';
import { channelWriter } from './channel-writer.js';
import { feedFile, type FileFeed } from './file-feed.js';
import { fingerprintOf, sameFingerprint } from './fingerprint.js';
import { PID_PREFIX, PidLineReader } from './pid-line.js';
import { ShellSession } from './shell-session.js';
import {
  OutputCollector,
  type ConnectHooks,
  type ConnectOutcome,
  type Connection,
  type ExecOptions,
  type ExecOutcome,
  type Transport,
} from './transport.js';

export interface SshTransportOptions {
  connectTimeoutMs?: number;
  keepaliveIntervalMs?: number;
  /** Default per-command timeout when a caller gives none. */
  commandTimeoutMs?: number;
  /** OpenSSH's default MaxSessions is 10; staying below it leaves room for an operator's own session. */
  maxChannels?: number;
  /**
   * Run commands through one long-lived `sh` per host (default) instead of an exec each, so a heavy login shell
   * (a ~/.bashrc initialising pyenv or nvm) starts once per host, not once per command.
   */
  sessions?: boolean;
  /**
   * Worker threads that hold the connections (0: all in this thread). Encrypting and writing an artifact to many
   * hosts is CPU work one JavaScript thread cannot spread over cores; threads let a release use them all.
   */
  threads?: number;
}

// AES-GCM first: OpenSSL does it in hardware, which matters when one Node thread feeds many uploads.
const CIPHERS = ['aes128-gcm@openssh.com', 'aes256-gcm@openssh.com', 'chacha20-poly1305@openssh.com', 'aes128-ctr', 'aes256-ctr'];

export type Settings = Required<Omit<SshTransportOptions, 'threads'>>;

export function sshSettings(options: SshTransportOptions): Settings {
  return {
    connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
    keepaliveIntervalMs: options.keepaliveIntervalMs ?? 10_000,
    commandTimeoutMs: options.commandTimeoutMs ?? 10 * 60_000,
    maxChannels: options.maxChannels ?? 8,
    sessions: options.sessions ?? true,
  };
}

/** SSH connections held in this thread. */
export function createInThreadSshTransport(options: SshTransportOptions = {}): Transport {
  const settings = sshSettings(options);
  let open = 0;
  return {
    async connect(server, hooks) {
      const outcome = await connectServer(server, hooks ?? {}, settings);
      if (outcome.ok) {
        open++;
        (outcome.connection as SshConnection).onClose(() => open--);
      }
      return outcome;
    },
    openConnections: () => open,
  };
}

const label = (server: ServerSpec) => `${server.username}@${server.host}:${server.port ?? 22}`;

async function connectServer(server: ServerSpec, hooks: ConnectHooks, settings: Settings): Promise<ConnectOutcome> {
  let sock: Duplex | undefined;
  let jump: Connection | undefined;
  if (server.jumpHost) {
    const viaJump = await connectServer(server.jumpHost, hooks, settings);
    if (!viaJump.ok) return { ok: false, error: engineError(viaJump.error.code, `jump host: ${viaJump.error.message}`) };
    jump = viaJump.connection;
    const forwarded = await (jump as SshConnection).forwardOut(server.host, server.port ?? 22);
    if (!forwarded.ok) {
      jump.close();
      return { ok: false, error: engineError('connect-failed', `jump host could not reach ${label(server)}: ${forwarded.message}`) };
    }
    sock = forwarded.stream;
  }

  const client = new Client();
  let hostKeyProblem: string | undefined;
  const config: ConnectConfig = {
    host: server.host,
    port: server.port ?? 22,
    username: server.username,
    privateKey: server.privateKey,
    readyTimeout: settings.connectTimeoutMs,
    keepaliveInterval: settings.keepaliveIntervalMs,
    keepaliveCountMax: 3,
    algorithms: { cipher: CIPHERS as NonNullable<ConnectConfig['algorithms']>['cipher'] },
    hostVerifier: (key: Buffer) => {
      const actual = fingerprintOf(key);
      if (server.hostKeyFingerprint) {
        if (sameFingerprint(server.hostKeyFingerprint, actual)) return true;
        hostKeyProblem = `host key of ${label(server)} is ${actual}, expected ${server.hostKeyFingerprint}; refusing to connect (the host was replaced or someone is intercepting)`;
        return false;
      }
      hooks.onHostKeyLearned?.(actual, { host: server.host, port: server.port ?? 22 });
      return true;
    },
  };
  if (server.passphrase !== undefined) config.passphrase = server.passphrase;
  if (sock) config.sock = sock;

  return new Promise<ConnectOutcome>((resolve) => {
    let settled = false;
    const settle = (outcome: ConnectOutcome) => {
      if (settled) return;
      settled = true;
      hooks.signal?.removeEventListener('abort', onAbort);
      resolve(outcome);
    };
    const onAbort = () => {
      client.end();
      jump?.close();
      settle({ ok: false, error: engineError('aborted', `connecting to ${label(server)} was aborted`) });
    };
    if (hooks.signal?.aborted) return onAbort();
    hooks.signal?.addEventListener('abort', onAbort, { once: true });
    client.once('ready', () => settle({ ok: true, connection: new SshConnection(client, settings, jump) }));
    // `on`, not `once`: ssh2 can emit a second error (e.g. the socket closing after a timeout) and an error event
    // without a listener would crash the process.
    client.on('error', (err: Error) => {
      if (settled) return;
      jump?.close();
      if (hostKeyProblem) settle({ ok: false, error: engineError('host-key-mismatch', hostKeyProblem) });
      else settle({ ok: false, error: engineError('connect-failed', `cannot connect to ${label(server)}: ${err.message}`) });
    });
    client.once('close', () => settle({ ok: false, error: engineError('connect-failed', `connection to ${label(server)} closed during handshake`) }));
    try {
      client.connect(config);
    } catch (err) {
      // ssh2 throws synchronously for unusable keys; that is still a value for the caller.
      settle({ ok: false, error: engineError('connect-failed', `cannot connect to ${label(server)}: ${(err as Error).message}`) });
    }
  });
}

class SshConnection implements Connection {
  #channels: Semaphore;
  #open = new Set<ClientChannel>();
  #sessions: ShellSession[] = [];
  #starting = 0;
  #closed = false;

  constructor(
    private readonly client: Client,
    private settings: Settings,
    private readonly jump: Connection | undefined,
  ) {
    this.#channels = new Semaphore(settings.maxChannels);
    client.on('close', () => {
      this.#closed = true;
    });
    // After 'ready' a late socket error must not crash the process; the running channels see the close.
    client.on('error', () => undefined);
  }

  /** Runs once when the SSH connection is gone, whichever side ended it. */
  onClose(listener: () => void): void {
    this.client.once('close', listener);
  }

  forwardOut(host: string, port: number): Promise<{ ok: true; stream: Duplex } | { ok: false; message: string }> {
    return new Promise((resolve) => {
      this.client.forwardOut('127.0.0.1', 0, host, port, (err, stream) => {
        if (err) resolve({ ok: false, message: err.message });
        else resolve({ ok: true, stream });
      });
    });
  }

  exec(command: string, options: ExecOptions = {}): Promise<ExecOutcome> {
    return this.#channels.run(async () => {
      // A stream of unknown length cannot be framed (and a lifeline must reach the command itself): plain exec.
      const framable = options.stdin === undefined || typeof options.stdin === 'string' || Buffer.isBuffer(options.stdin) || 'file' in options.stdin;
      const session = framable ? await this.#idleSession() : undefined;
      return session ? this.#execInSession(session, command, options) : this.#exec(command, options);
    });
  }

  /**
   * An idle shell session, started on demand. A few channels stay free of sessions for plain execs (lifelines,
   * kills) under sshd's MaxSessions; a host that cannot run one gets plain execs from then on.
   */
  async #idleSession(): Promise<ShellSession | undefined> {
    if (this.#closed || this.settings.sessions === false) return undefined;
    this.#sessions = this.#sessions.filter((s) => !s.dead);
    // Claimed here, before any await, so two commands can never share one.
    const idle = this.#sessions.find((s) => s.claim());
    if (idle) return idle;
    if (this.#sessions.length + this.#starting >= Math.max(1, this.settings.maxChannels - 2)) return undefined;
    this.#starting++;
    const started = await ShellSession.start(this.client, this.settings.connectTimeoutMs).finally(() => this.#starting--);
    if (!started.ok) {
      this.settings = { ...this.settings, sessions: false };
      return undefined;
    }
    this.#sessions.push(started.session);
    return started.session.claim() ? started.session : undefined;
  }

  #execInSession(session: ShellSession, command: string, options: ExecOptions): Promise<ExecOutcome> {
    const started = Date.now();
    return new Promise<ExecOutcome>((resolve) => {
      let stopReason: ExecOutcome['reason'];
      let pid: number | undefined;
      const run = session.run(command, options, {
        onPid: (p) => {
          pid = p;
          if (stopReason) this.#stopInSession(p, run.close);
        },
        onStdinError: () => {
          stop('aborted');
          if (pid === undefined) run.close();
        },
      });
      const stop = (reason: NonNullable<ExecOutcome['reason']>) => {
        if (stopReason) return;
        stopReason = reason;
        // Without a pid yet, wait briefly for it so the command is killed, not merely cut off from us.
        if (pid !== undefined) this.#stopInSession(pid, run.close);
        else setTimeout(run.close, 2000).unref();
      };
      const timer = setTimeout(() => stop('timeout'), options.timeoutMs ?? this.settings.commandTimeoutMs);
      const onAbort = () => stop('aborted');
      if (options.signal?.aborted) onAbort();
      else options.signal?.addEventListener('abort', onAbort, { once: true });
      void run.done.then(({ exitCode, lost }) => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        const reason = stopReason ?? (lost ? 'connection-lost' : undefined);
        const outcome: ExecOutcome = { exitCode: reason ? null : exitCode, stdout: run.output.stdout, stderrTail: run.output.stderrTail, durationMs: Date.now() - started };
        if (reason) outcome.reason = reason;
        resolve(outcome);
      });
    });
  }

  /** A stopped command may leave its frame's stdin half-sent, so its session ends with it. */
  #stopInSession(pid: number, close: () => void): void {
    this.#kill(pid);
    close();
  }

  #exec(command: string, options: ExecOptions): Promise<ExecOutcome> {
    const started = Date.now();
    const output = new OutputCollector();
    const finish = (exitCode: number | null, reason?: ExecOutcome['reason']): ExecOutcome => {
      const outcome: ExecOutcome = { exitCode, stdout: output.stdout, stderrTail: output.stderrTail, durationMs: Date.now() - started };
      if (reason) outcome.reason = reason;
      return outcome;
    };
    if (options.signal?.aborted) return Promise.resolve(finish(null, 'aborted'));
    if (this.#closed) return Promise.resolve(finish(null, 'connection-lost'));

    return new Promise<ExecOutcome>((resolve) => {
      let exitCode: number | null = null;
      let stopReason: ExecOutcome['reason'];
      let channel: ClientChannel | undefined;
      let settled = false;
      let remotePid: number | undefined;
      const pidLine = new PidLineReader();
      let writer: Writable | undefined;
      let feed: FileFeed | undefined;
      const timeoutMs = options.timeoutMs ?? this.settings.commandTimeoutMs;

      const stop = (reason: NonNullable<ExecOutcome['reason']>) => {
        if (stopReason) return;
        stopReason = reason;
        // A caller's stream is released even if the channel never opened, so its file is closed.
        feed?.stop();
        const source = typeof options.stdin === 'object' && 'pipe' in options.stdin ? options.stdin : undefined;
        if (source) {
          if (writer) source.unpipe(writer);
          source.destroy();
        }
        // sshd ignores channel signal requests and keeps a command running after its channel closes, so the
        // command's process group (its shell is a session leader under sshd) is killed through a second channel.
        if (remotePid !== undefined) this.#kill(remotePid);
        channel?.close();
        // Do not wait for the remote side to agree: a stopped command is over for the engine now.
        setTimeout(done, 2000).unref();
      };
      const timer = setTimeout(() => stop('timeout'), timeoutMs);
      const onAbort = () => stop('aborted');
      options.signal?.addEventListener('abort', onAbort, { once: true });
      const onClientClose = () => {
        stopReason ??= 'connection-lost';
        done();
      };
      this.client.once('close', onClientClose);

      const done = () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        this.client.removeListener('close', onClientClose);
        if (channel) this.#open.delete(channel);
        resolve(finish(stopReason ? null : exitCode, stopReason));
      };

      this.client.exec(PID_PREFIX + command, (err, ch) => {
        if (err) {
          output.addStderr(Buffer.from(err.message));
          stopReason ??= 'connection-lost';
          return done();
        }
        channel = ch;
        this.#open.add(ch);
        // Stopped while the channel was opening: the pid line below still gets the command killed.
        if (stopReason) ch.close();
        ch.on('data', (chunk: Buffer) => {
          output.addStdout(chunk);
          options.onStdout?.(chunk);
        });
        ch.stderr.on('data', (data: Buffer) => {
          const chunk = pidLine.take(data);
          if (remotePid === undefined && pidLine.pid !== undefined) {
            remotePid = pidLine.pid;
            if (stopReason && remotePid) this.#kill(remotePid);
          }
          if (chunk.length === 0) return;
          output.addStderr(chunk);
          options.onStderr?.(chunk);
        });
        ch.on('exit', (code: number | null) => {
          exitCode = typeof code === 'number' ? code : null;
        });
        ch.on('close', done);
        const stdin = options.stdin;
        if (stdin === undefined || stopReason) ch.end();
        else if (typeof stdin === 'string' || Buffer.isBuffer(stdin)) ch.end(stdin);
        else {
          const stdinFailed = (err: Error) => {
            output.addStderr(Buffer.from(`reading stdin: ${err.message}\n`));
            stop('aborted');
          };
          if ('file' in stdin) {
            feed = feedFile(stdin.file, ch, stdin.growing ? { end: true, growing: stdin.growing } : { end: true });
            feed.done.catch(stdinFailed);
          } else {
            stdin.on('error', stdinFailed);
            writer = channelWriter(ch, { end: true });
            stdin.pipe(writer);
          }
        }
      });
    });
  }

  /** Best effort: a failure here only means the process already ended or the connection is gone. */
  #kill(pid: number): void {
    if (this.#closed || pid <= 1) return;
    this.client.exec(`kill -s KILL -- -${pid} 2>/dev/null || kill -s KILL ${pid} 2>/dev/null; true`, (err, ch) => {
      if (err) return;
      ch.on('close', () => undefined);
      ch.resume();
      ch.stderr.resume();
      ch.end();
    });
  }

  close(): void {
    for (const session of this.#sessions) session.close();
    for (const channel of this.#open) channel.close();
    this.client.end();
    this.jump?.close();
  }
}
