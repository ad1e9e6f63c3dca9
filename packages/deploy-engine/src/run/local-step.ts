import type { StageName } from '@rp/contract/stages';
import type { EventSink } from '../events.js';
import { runLocal, type LocalOptions } from '../local.js';
import type { Step } from './context.js';

export interface LocalStepOptions {
  events: EventSink;
  stage: StageName;
  signal: AbortSignal | undefined;
  cwd?: string;
  env?: Record<string, string>;
  /** `env` is the child's whole environment (see LocalOptions). */
  exactEnv?: boolean;
  timeoutMs?: number;
  /** How a failure names the command; default the program and its arguments. */
  describe?: string;
  /** Echoed as a `command` log line before it runs (see RemoteOptions.echo). */
  echo?: string;
}

/** A command on the platform host whose output lines become log events of a global stage. */
export async function local(program: string, args: string[], o: LocalStepOptions): Promise<Step & { stdout?: string }> {
  if (o.echo !== undefined) o.events.echo(o.stage, o.echo);
  const out = o.events.lineLogger(o.stage, 'stdout');
  const err = o.events.lineLogger(o.stage, 'stderr');
  const options: LocalOptions = { onStdout: (c) => out.write(c), onStderr: (c) => err.write(c) };
  if (o.cwd) options.cwd = o.cwd;
  if (o.env) options.env = o.env;
  if (o.exactEnv) options.exactEnv = true;
  if (o.signal) options.signal = o.signal;
  if (o.timeoutMs) options.timeoutMs = o.timeoutMs;
  const result = await runLocal(program, args, options);
  out.flush();
  err.flush();
  if (result.exitCode === 0) return { ok: true, stdout: result.stdout };
  const error: Step = {
    ok: false,
    error: { kind: 'exec', command: o.describe ?? [program, ...args].join(' '), exitCode: result.exitCode, stderrTail: result.stderrTail, durationMs: result.durationMs },
  };
  if (result.reason && !error.ok && error.error.kind === 'exec') error.error.reason = result.reason;
  return error;
}

