import type { Artifact } from './types.js';
import type { FailureReason } from './errors.js';

export type TargetState = 'succeeded' | 'failed' | 'rolled_back' | 'aborted' | 'skipped';

export interface TargetResult {
  state: TargetState;
  /** The release this run tried to put on the target. */
  releaseId: string;
  /** What `<deploy>/current` points at when the run ended, read back from the host; null when unknown or unset. */
  current: string | null;
  /** What `current` pointed at before this run switched it (null when nothing was switched or it was the first). */
  previous: string | null;
  /** True once this run switched `current` on the target (even if it later rolled back). */
  switched: boolean;
  error?: FailureReason;
}

export interface ReleaseResult {
  releaseId: string;
  kind: 'release' | 'rollback' | 'retry';
  status: 'succeeded' | 'failed' | 'aborted';
  artifact?: Artifact;
  targets: Record<string, TargetResult>;
  /** Failures not tied to one target (checkout, build, an invalid plan). */
  error?: FailureReason;
  durationMs: number;
}
