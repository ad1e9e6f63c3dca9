import type { BatchSize, FailurePolicy, Rollout } from '@rp/deploy-engine';
import type { RolloutSpec } from '@rp/contract/rollout';

export const DEFAULT_ROLLOUT: RolloutSpec = { strategy: 'parallel', concurrency: 10, autoRollback: true };

export function toEngineRollout(spec: RolloutSpec): { rollout: Rollout; failurePolicy: FailurePolicy } {
  const failurePolicy: FailurePolicy = { tolerate: spec.failure?.tolerate ?? 0, autoRollback: spec.autoRollback ?? true };
  if (spec.strategy === 'serial') return { rollout: { kind: 'serial' }, failurePolicy };
  if (spec.strategy === 'parallel') return { rollout: { kind: 'parallel', concurrency: spec.concurrency ?? 10 }, failurePolicy };
  const between = spec.betweenBatches?.mode === 'manual' ? { mode: 'manual' as const } : { mode: 'auto' as const, delaySeconds: spec.betweenBatches?.seconds ?? 0 };
  return {
    rollout: { kind: 'batches', sizes: (spec.batches ?? ['100%']) as BatchSize[], concurrency: spec.concurrency ?? 10, between },
    failurePolicy,
  };
}
