import { splitIntoBatches } from '@rp/deploy-engine';
import type { RolloutSpec } from '@rp/contract/rollout';
import { toEngineRollout } from './rollout.js';

/**
 * Which servers each batch will take, split as the engine splits them (runs/run-input.ts gives it the targets by
 * server name, the order views list them in): the release page shows its batches before the feed names them.
 */
export const plannedBatches = (rollout: RolloutSpec, targets: readonly { serverId: string }[]): string[][] =>
  splitIntoBatches(
    targets.map((t) => t.serverId),
    toEngineRollout(rollout).rollout,
  ).map((batch) => batch.targets);
