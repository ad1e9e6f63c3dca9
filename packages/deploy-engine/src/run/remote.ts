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
}

export type RemoteOutcome = { ok: true; out: ExecOutcome } | { ok: false; error: FailureReason; out?: ExecOutcome };

function aborted(ctx: RunContext): boolean {
  return ctx.signal?.aborted === true;
}

/** Runs one command on a target's pooled connection; each output line becomes a log event, a non-zero exit an ExecError. */
export async function remote(ctx: RunContext, target: Target, stage: StageName, command: string, options: RemoteOptions = {}): Promise<RemoteOutcome> {
  const conn = await ctx.pool.get(target.server);
  if (!conn.ok) return { ok: false, error: { ...conn.error, target: target.id } };
  return execOn(ctx, conn.connection, target, stage, command, options);
}

async function execOn(ctx: RunContext, connection: Connection, target: Target, stage: StageName, command: string, options: RemoteOptions): Promise<RemoteOutcome> {
  if (!options.uninterruptible && aborted(ctx)) return { ok: false, error: engineError('aborted', 'run aborted', target.id) };
  const stdout = ctx.events.lineLogger(stage, 'stdout', target.id);
  const stderr = ctx.events.lineLogger(stage, 'stderr', target.id);
  const execOptions: ExecOptions = {
    timeoutMs: options.timeoutMs ?? ctx.commandTimeoutMs,
    onStderr: (c) => stderr.write(c),
  };
  if (!options.quiet) execOptions.onStdout = (c) => stdout.write(c);
  if (options.stdin !== undefined) execOptions.stdin = options.stdin;
  if (!options.uninterruptible && ctx.signal) execOptions.signal = ctx.signal;
  const out = await connection.exec(command, execOptions);
  stdout.flush();
  stderr.flush();
  if (out.exitCode === 0) return { ok: true, out };
  const error: FailureReason = {
    kind: 'exec',
    target: target.id,
    command,
    exitCode: out.exitCode,
    stderrTail: out.stderrTail,
    durationMs: out.durationMs,
  };
  if (out.reason) error.reason = out.reason;
  return { ok: false, error, out };
}
