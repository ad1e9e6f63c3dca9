import type { StageName } from '@rp/contract/stages';
import { engineError, type FailureReason } from '../errors.js';
import type { Connection, ExecOptions, ExecOutcome } from '../transport/transport.js';
import type { Target } from '../types.js';
import type { RunContext } from './context.js';

export interface RemoteOptions extends Omit<ExecOptions, 'onStdout' | 'onStderr' | 'signal'> {
  /** Leave out the run's abort signal: for steps that must finish once begun (the switch and its restart). */
  uninterruptible?: boolean;
  /** Do not turn stdout into log events (machine-read output such as `df` or `readlink`). */
  quiet?: boolean;
  /** Stream stdout here instead of collecting it into the log (a tar stream coming back). */
  stdoutTo?: (chunk: Buffer) => void;
  /** Both streams, in the order they arrive, go here instead of the log (a probe whose output the caller explains). */
  outputTo?: (chunk: Buffer) => void;
  /**
   * Echoed as a `command` log line before the command runs. Only commands doing the plan's work are echoed, never the
   * engine's bookkeeping (pre-flight, locks, reading `current`); it is a summary because the command line itself
   * may carry the values of a target's env.
   */
  echo?: string;
}

export type RemoteOutcome = { ok: true; out: ExecOutcome } | { ok: false; error: FailureReason; out?: ExecOutcome };

function aborted(ctx: RunContext): boolean {
  return ctx.signal?.aborted === true;
}

/** Runs one command on a target's pooled connection; each output line becomes a log event, a non-zero exit an ExecError. */
export async function remote(ctx: RunContext, target: Target, stage: StageName, command: string, options: RemoteOptions = {}): Promise<RemoteOutcome> {
  const conn = await ctx.pool.get(target.server);
  if (!conn.ok) return { ok: false, error: { ...conn.error, target: target.id } };
  return execOn(ctx, conn.connection, target.id, stage, command, options);
}

/**
 * Runs one command on an open connection; each output line becomes a log event of `stage` (of `targetId`, or of the
 * run as a whole, e.g. a build agent), a non-zero exit an ExecError.
 */
export async function execOn(ctx: RunContext, connection: Connection, targetId: string | undefined, stage: StageName, command: string, options: RemoteOptions): Promise<RemoteOutcome> {
  if (!options.uninterruptible && aborted(ctx)) return { ok: false, error: engineError('aborted', 'run aborted', targetId) };
  if (options.echo !== undefined) ctx.events.echo(stage, options.echo, targetId);
  const stdout = ctx.events.lineLogger(stage, 'stdout', targetId);
  const stderr = ctx.events.lineLogger(stage, 'stderr', targetId);
  const execOptions: ExecOptions = {
    timeoutMs: options.timeoutMs ?? ctx.commandTimeoutMs,
    onStderr: options.outputTo ?? ((c) => stderr.write(c)),
  };
  const stdoutTo = options.stdoutTo ?? options.outputTo;
  if (stdoutTo) execOptions.onStdout = stdoutTo;
  else if (!options.quiet) execOptions.onStdout = (c) => stdout.write(c);
  if (options.stdin !== undefined) execOptions.stdin = options.stdin;
  if (!options.uninterruptible && ctx.signal) execOptions.signal = ctx.signal;
  const out = await connection.exec(command, execOptions);
  stdout.flush();
  stderr.flush();
  if (out.exitCode === 0) return { ok: true, out };
  const error: FailureReason = {
    kind: 'exec',
    ...(targetId === undefined ? {} : { target: targetId }),
    command,
    exitCode: out.exitCode,
    stderrTail: out.stderrTail,
    durationMs: out.durationMs,
  };
  if (out.reason) error.reason = out.reason;
  return { ok: false, error, out };
}
