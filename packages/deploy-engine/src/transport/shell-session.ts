import { randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import type { Client, ClientChannel } from 'ssh2';
import { feedFile } from './file-feed.js';
import { PID_PREFIX, PidLineReader } from './pid-line.js';
import { OutputCollector, type ExecOptions } from './transport.js';

/**
 * The remote half of a session: one `sh` that runs framed commands one after another. sshd starts every exec
 * through the login shell, and on real fleets that shell sources a ~/.bashrc initialising pyenv, nvm or conda
 * (~0.1 s and ~100 forks each time); a session pays that once per host instead of once per command.
 *
 * A frame is a line `<command bytes> <stdin bytes> <nonce>`, the command, then exactly that much stdin. A stdin of
 * unknown length (a file still being written) is `-1` and follows in pieces, each a `<bytes>` line and its bytes,
 * ending with a `0` line. `read` and `head -c` never read past what they were asked for, so the stream stays in step. Each command runs in its own
 * process group (`setsid`, so a timeout or abort kills it as a plain exec's would be), and whatever stdin it leaves
 * unread is drained so the next frame starts where it should. The end of a command is its nonce on stdout with the
 * exit status, and on stderr, after the command's own output on each stream.
 *
 * One line and no single quotes inside: the login shell may be bash, zsh, fish or csh, and all of them read
 * `exec sh -c '…'` the same way.
 */
const DRIVER =
  'exec sh -c \'if command -v setsid >/dev/null 2>&1; then s=setsid; else s=; fi; printf "rp-session:%s\\n" "$$"; ' +
  'while read -r c i n; do x=$(head -c "$c"); ' +
  'if [ "$i" -gt 0 ]; then head -c "$i" | { $s sh -c "$x"; r=$?; cat >/dev/null; exit $r; }; r=$?; ' +
  'elif [ "$i" -lt 0 ]; then { while read -r k && [ "$k" -gt 0 ]; do head -c "$k"; done; } | { $s sh -c "$x"; r=$?; cat >/dev/null; exit $r; }; r=$?; ' +
  'else $s sh -c "$x" </dev/null; r=$?; fi; ' +
  'printf "%s %s\\n" "$n" "$r"; printf "%s\\n" "$n" >&2; done\'';


/** The length of the longest end of `data` that is a beginning of `marker` (shorter than the marker). */
function heldBack(data: Buffer, marker: Buffer): number {
  for (let keep = Math.min(data.length, marker.length - 1); keep > 0; keep--) {
    if (data.subarray(data.length - keep).equals(marker.subarray(0, keep))) return keep;
  }
  return 0;
}

/** Splits a stream at a marker that may arrive cut across chunks, passing everything before it on. */
class MarkerScanner {
  #held = Buffer.alloc(0);
  found = false;
  /** Bytes after the marker (the exit status line on stdout). */
  rest = '';

  constructor(
    private readonly marker: Buffer,
    private readonly pass: (chunk: Buffer) => void,
  ) {}

  push(chunk: Buffer): void {
    if (this.found) {
      this.rest += chunk.toString('latin1');
      return;
    }
    const data = this.#held.length ? Buffer.concat([this.#held, chunk]) : chunk;
    const at = data.indexOf(this.marker);
    if (at >= 0) {
      this.found = true;
      if (at > 0) this.pass(data.subarray(0, at));
      this.rest = data.subarray(at + this.marker.length).toString('latin1');
      this.#held = Buffer.alloc(0);
      return;
    }
    // Keep back only what could be the start of a marker cut in two: everything else is the command's output now,
    // and a command that prints and then waits (a followed log, a slow build) must be seen while it waits.
    const keep = heldBack(data, this.marker);
    if (data.length > keep) this.pass(data.subarray(0, data.length - keep));
    this.#held = Buffer.from(data.subarray(data.length - keep));
  }
}

export type SessionStart = { ok: true; session: ShellSession } | { ok: false };

/** One long-lived `sh` on the host, running one command at a time. */
export class ShellSession {
  #busy = false;
  #dead = false;
  #onData: ((chunk: Buffer) => void) | undefined;
  #onErr: ((chunk: Buffer) => void) | undefined;
  #onClose: (() => void) | undefined;

  private constructor(private readonly channel: ClientChannel) {
    channel.on('data', (chunk: Buffer) => this.#onData?.(chunk));
    channel.stderr.on('data', (chunk: Buffer) => this.#onErr?.(chunk));
    channel.on('close', () => {
      this.#dead = true;
      this.#onClose?.();
    });
  }

  /** Starts the driver; `ok: false` when the host will not run it (a forced command, no `sh`), so plain execs stay. */
  static start(client: Client, timeoutMs: number): Promise<SessionStart> {
    return new Promise((resolve) => {
      client.exec(DRIVER, (err, channel) => {
        if (err) return resolve({ ok: false });
        const session = new ShellSession(channel);
        let seen = '';
        const timer = setTimeout(() => fail(), timeoutMs);
        const fail = () => {
          clearTimeout(timer);
          session.#onData = session.#onClose = undefined;
          channel.close();
          resolve({ ok: false });
        };
        // A login shell may print a banner first; the session is ready at its own line.
        session.#onData = (chunk) => {
          seen = (seen + chunk.toString('latin1')).slice(-4096);
          if (!/(^|\n)rp-session:\d+\n/.test(seen)) return;
          clearTimeout(timer);
          session.#onData = session.#onClose = undefined;
          resolve({ ok: true, session });
        };
        session.#onErr = () => undefined;
        session.#onClose = fail;
      });
    });
  }

  get dead(): boolean {
    return this.#dead;
  }

  /** Takes the session for one command if it is idle; the caller then `run`s exactly one command on it. */
  claim(): boolean {
    if (this.#busy || this.#dead) return false;
    this.#busy = true;
    return true;
  }

  /**
   * Runs one command on a claimed session. `onPid` receives the remote process group as soon as it is known; `stop()` kills that group
   * (through the connection) and closes the session, since a killed command may leave its stdin half-sent.
   */
  run(command: string, options: ExecOptions, on: { onPid(pid: number): void; onStdinError(): void }): { done: Promise<{ exitCode: number | null; lost: boolean }>; output: OutputCollector; close(): void } {
    const output = new OutputCollector();
    const nonce = `rp-end-${randomBytes(12).toString('hex')}`;
    const pidLine = new PidLineReader();
    const stdout = new MarkerScanner(Buffer.from(`${nonce} `), (chunk) => {
      output.addStdout(chunk);
      options.onStdout?.(chunk);
    });
    const stderr = new MarkerScanner(Buffer.from(`${nonce}\n`), (chunk) => {
      output.addStderr(chunk);
      options.onStderr?.(chunk);
    });
    const done = new Promise<{ exitCode: number | null; lost: boolean }>((resolve) => {
      const finish = (outcome: { exitCode: number | null; lost: boolean }) => {
        this.#onData = this.#onErr = this.#onClose = undefined;
        this.#busy = false;
        resolve(outcome);
      };
      const check = () => {
        const newline = stdout.rest.indexOf('\n');
        if (!stdout.found || !stderr.found || newline < 0) return;
        const code = Number(stdout.rest.slice(0, newline));
        finish({ exitCode: Number.isInteger(code) ? code : null, lost: false });
      };
      this.#onData = (chunk) => {
        stdout.push(chunk);
        check();
      };
      this.#onErr = (data) => {
        const known = pidLine.pid !== undefined;
        const chunk = pidLine.take(data);
        if (!known && pidLine.pid) on.onPid(pidLine.pid);
        if (chunk.length === 0) return;
        stderr.push(chunk);
        check();
      };
      this.#onClose = () => finish({ exitCode: null, lost: true });
      if (this.#dead) finish({ exitCode: null, lost: true });
    });
    const stdinFailed = (message: string) => {
      output.addStderr(Buffer.from(`reading stdin: ${message}\n`));
      on.onStdinError();
    };
    void this.#send(Buffer.from(PID_PREFIX + command), options.stdin, nonce, stdinFailed);
    return { done, output, close: () => this.close() };
  }

  async #send(command: Buffer, stdin: ExecOptions['stdin'], nonce: string, stdinFailed: (message: string) => void): Promise<void> {
    const ch = this.channel;
    if (stdin === undefined || typeof stdin === 'string' || Buffer.isBuffer(stdin)) {
      const data = stdin === undefined ? Buffer.alloc(0) : Buffer.from(stdin);
      ch.write(Buffer.concat([Buffer.from(`${command.length} ${data.length} ${nonce}\n`), command, data]));
      return;
    }
    if (!('file' in stdin)) throw new Error('a stream of unknown length cannot be framed; run it as a plain exec');
    const failed = (err: Error) => stdinFailed(err.message);
    if (stdin.growing) {
      // Its length is unknown until the writer completes it: the bytes go in announced pieces (see DRIVER).
      ch.write(Buffer.concat([Buffer.from(`${command.length} -1 ${nonce}\n`), command]));
      feedFile(stdin.file, ch, { end: false, growing: stdin.growing, pieces: true }).done.catch(failed);
      return;
    }
    let size: number;
    try {
      size = (await stat(stdin.file)).size;
    } catch (err) {
      // Nothing was sent, so the command never runs; the caller stops it as an exec whose stdin failed.
      failed(err as Error);
      return;
    }
    ch.write(Buffer.concat([Buffer.from(`${command.length} ${size} ${nonce}\n`), command]));
    if (size === 0) return;
    // A file that shrank under us would leave the frame short and the session out of step: end it instead.
    feedFile(stdin.file, ch, { length: size, end: false }).done.then((sent) => {
      if (sent !== size) this.close();
    }, failed);
  }

  close(): void {
    this.#dead = true;
    this.channel.close();
  }
}
