import type { BatchSize, RolloutSpec } from '@/api/types';
import type { Environment } from '@/api/environments';

const COUNT = /^[1-9][0-9]{0,5}$/;
const PERCENT = /^(100|[1-9][0-9]?)%$/;

/** "1, 25%, 100%" → [1, "25%", "100%"]; null when any part is neither a server count nor a percentage. */
export function parseBatches(text: string): BatchSize[] | null {
  const parts = text
    .split(/[,，\s]+/)
    .map((p) => p.trim())
    .filter(Boolean);
  if (parts.length === 0 || parts.length > 20) return null;
  const sizes: BatchSize[] = [];
  for (const part of parts) {
    if (PERCENT.test(part)) sizes.push(part);
    else if (COUNT.test(part) && Number(part) <= 100_000) sizes.push(Number(part));
    else return null;
  }
  return sizes;
}

export interface BatchChoice {
  batches: BatchSize[];
  between: 'auto' | 'manual';
  seconds: number;
}

/**
 * A release's rollout replaces the environment's whole; only the batching is chosen here, so concurrency and
 * the failure policy are carried over from the environment.
 */
export function batchRollout(environment: Pick<Environment, 'rollout'>, choice: BatchChoice): RolloutSpec {
  const base = environment.rollout;
  return {
    strategy: 'batches',
    concurrency: base.concurrency,
    batches: choice.batches,
    betweenBatches: choice.between === 'manual' ? { mode: 'manual' } : { mode: 'auto', seconds: choice.seconds },
    failure: base.failure,
    autoRollback: base.autoRollback,
  };
}
