/** A remote or local command that failed. Errors are values: the engine returns them, it does not throw them. */
export interface ExecError {
  kind: 'exec';
  target?: string;
  command: string;
  exitCode: number | null;
  stderrTail: string;
  durationMs: number;
  /** Set when the command was stopped rather than finishing by itself. */
  reason?: 'timeout' | 'aborted' | 'connection-lost';
}

export type EngineErrorCode =
  | 'invalid-plan'
  | 'connect-failed'
  | 'host-key-mismatch'
  | 'locked'
  | 'disk-space'
  | 'checksum-mismatch'
  | 'healthcheck-failed'
  | 'release-missing'
  | 'aborted'
  | 'skipped'
  | 'internal';

/** Failures that are not one command's exit status: bad input, SSH trouble, a held lock, a policy decision. */
export interface EngineError {
  kind: 'engine';
  code: EngineErrorCode;
  message: string;
  target?: string;
}

export type FailureReason = ExecError | EngineError;

export function engineError(code: EngineErrorCode, message: string, target?: string): EngineError {
  return target === undefined ? { kind: 'engine', code, message } : { kind: 'engine', code, message, target };
}

export function describeFailure(failure: FailureReason): string {
  if (failure.kind === 'engine') return `${failure.code}: ${failure.message}`;
  const why = failure.reason ?? `exit ${failure.exitCode ?? 'none'}`;
  return `command failed (${why}): ${failure.command}${failure.stderrTail ? ` — ${failure.stderrTail.trim()}` : ''}`;
}

/** Thrown only at the API boundary for plans that cannot be run at all (the caller's bug, not a runtime event). */
export class PlanValidationError extends Error {
  override readonly name = 'PlanValidationError';
}
