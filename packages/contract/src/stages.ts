/**
 * The stages a run goes through, in plan order. The engine runs them, the API counts them for progress and the SPA
 * draws them as the grid's columns: one list, so the three can never disagree about what "all done" means.
 */
export const GLOBAL_STAGES = ['prepare', 'hook:before-checkout', 'checkout', 'hook:after-checkout', 'build', 'package'] as const;
/**
 * `offline` and `online` take a target out of and back into the load balancer around its switch; without the
 * environment's scripts they are skipped. `online` comes right after the health check, so a target serves again as
 * soon as it is healthy (a failed target is put back as well, after its switch back when its batch rolls back).
 */
export const TARGET_STAGES = ['upload', 'hook:before-release', 'offline', 'release', 'healthcheck', 'online', 'hook:after-release', 'cleanup'] as const;

/** A rollback only locks and checks the hosts; the release directory already on each host is the artifact. */
export const ROLLBACK_GLOBAL_STAGES = ['prepare'] as const;
/** Per target, a rollback switches `current` (with the restart) out of rotation, health-checks it and unlocks. */
export const ROLLBACK_TARGET_STAGES = ['offline', 'switch', 'healthcheck', 'online', 'cleanup'] as const;

/** `rollback` is the automatic switch back of a batch whose health check failed; it is not part of any plan. */
export type StageName =
  | (typeof GLOBAL_STAGES)[number]
  | (typeof TARGET_STAGES)[number]
  | (typeof ROLLBACK_TARGET_STAGES)[number]
  | 'rollback';

/** A scale-out runs as a release (to the servers just added). */
export type RunKind = 'release' | 'rollback' | 'scale_out';

/** The stages a run of this kind plans, globally and per target. */
export function plannedStages(kind: RunKind): { global: readonly StageName[]; perTarget: readonly StageName[] } {
  return kind === 'rollback'
    ? { global: ROLLBACK_GLOBAL_STAGES, perTarget: ROLLBACK_TARGET_STAGES }
    : { global: GLOBAL_STAGES, perTarget: TARGET_STAGES };
}
