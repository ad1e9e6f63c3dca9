import { spawn } from 'node:child_process';
import { OutputCollector, type ExecOutcome } from './transport/transport.js';

export interface LocalOptions {
  cwd?: string;
  /** Added to a minimal environment (PATH, HOME, LANG and proxy settings), never to the platform's own. */
  env?: Record<string, string>;
  /** `env` is the whole environment, without even the minimal one. */
  exactEnv?: boolean;
  signal?: AbortSignal;
  timeoutMs?: number;
  onStdout?: (chunk: Buffer) => void;
  onStderr?: (chunk: Buffer) => void;
}

/**
 * Variables a local tool (git, tar) may need from the platform: proxies, and the CA bundle of a Git server behind an
 * internal certificate authority. Its secrets (SECRET_KEY, DATABASE_URL, …) stay out.
 */
const INHERITED = [
  'PATH',
  'HOME',
  'LANG',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'GIT_SSL_CAINFO',
  'GIT_SSL_CAPATH',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
];

function minimalEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of INHERITED) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}

/**
 * Runs a program on the platform host with an argument vector (no shell, so arguments are never parsed as syntax).
 * It gets its own process group so that abort and timeout stop everything it started (build tools fork a lot).
 */
export function runLocal(program: string, args: readonly string[], options: LocalOptions = {}): Promise<ExecOutcome> {
  const started = Date.now();
  const output = new OutputCollector();
  return new Promise((resolve) => {
    const child = spawn(program, args, {
      cwd: options.cwd,
      env: options.exactEnv ? { ...options.env } : { ...minimalEnv(), ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let reason: ExecOutcome['reason'];
    const kill = (why: NonNullable<ExecOutcome['reason']>) => {
      reason ??= why;
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    };
    const timer = options.timeoutMs ? setTimeout(() => kill('timeout'), options.timeoutMs) : undefined;
    const onAbort = () => kill('aborted');
    if (options.signal?.aborted) onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (chunk: Buffer) => {
      output.addStdout(chunk);
      options.onStdout?.(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output.addStderr(chunk);
      options.onStderr?.(chunk);
    });
    let spawnError: Error | undefined;
    child.once('error', (err) => {
      spawnError = err;
    });
    child.once('close', (code) => {
      if (timer) clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (spawnError) output.addStderr(Buffer.from(spawnError.message));
      const outcome: ExecOutcome = {
        exitCode: reason || spawnError ? null : code,
        stdout: output.stdout,
        stderrTail: output.stderrTail,
        durationMs: Date.now() - started,
      };
      if (reason) outcome.reason = reason;
      resolve(outcome);
    });
  });
}
