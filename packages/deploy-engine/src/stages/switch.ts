import type { StageName } from '@rp/contract/stages';
import { engineError } from '../errors.js';
import { layout, RELEASE_MISSING, switchCommand, type HistoryEntry } from '../remote/commands.js';
import type { Target } from '../types.js';
import { OK, type RunContext, type Step } from '../run/context.js';
import { remote } from '../run/remote.js';
import { runRemoteScript, scriptEnv } from '../run/scripts.js';

export function historyEntry(ctx: RunContext, from: string | null, to: string, kind: HistoryEntry['kind']): HistoryEntry {
  return { releaseId: ctx.plan.releaseId, from, to, at: new Date().toISOString(), actor: ctx.plan.actor ?? 'unknown', kind };
}

export const sawSwitch = (stdout: string) => stdout.split('\n').includes('switched');

/** How the switch is echoed: the link it makes, not the history bookkeeping around it. */
export const switchSummary = (target: Target, toReleaseId: string) => `ln -sfn releases/${toReleaseId} ${layout(target.deployPath).current}`;

/**
 * Restarts the service of a freshly switched release. Runs without the abort signal: once the switch happened the
 * restart belongs to it, otherwise an abort could leave new code linked but the old process serving.
 */
export async function restart(ctx: RunContext, target: Target, stage: StageName, releaseId: string, from: string | null): Promise<Step> {
  const script = ctx.plan.restartCommand;
  if (!script) return OK;
  const cwd = layout(target.deployPath).release(releaseId);
  const env = scriptEnv(ctx.plan.project, target, releaseId, from ? { PREVIOUS_RELEASE_ID: from } : {});
  const restarted = await runRemoteScript(ctx, target, stage, 'restart', script, cwd, env, { uninterruptible: true });
  return restarted.ok ? OK : restarted;
}

/** Switches `current` to a release already on the host, then restarts (rollback plans and automatic rollback). */
export async function switchAndRestart(ctx: RunContext, target: Target, stage: StageName, toReleaseId: string, from: string | null, kind: HistoryEntry['kind']): Promise<Step> {
  const result = ctx.results.get(target.id);
  const switched = await remote(ctx, target, stage, switchCommand(target.deployPath, toReleaseId, historyEntry(ctx, from, toReleaseId, kind)).text, {
    uninterruptible: true,
    timeoutMs: 30_000,
    echo: switchSummary(target, toReleaseId),
  });
  if (switched.out && sawSwitch(switched.out.stdout) && result && kind !== 'auto-rollback') result.switched = true;
  if (!switched.ok) {
    if (switched.error.kind === 'exec' && switched.error.exitCode === RELEASE_MISSING) {
      return { ok: false, error: engineError('release-missing', `release ${toReleaseId} is not kept on ${target.id}`, target.id) };
    }
    return switched;
  }
  return restart(ctx, target, stage, toReleaseId, from);
}

/**
 * The rollback plan's `switch` stage: only to a release the host still keeps. What was current comes from
 * pre-flight, which read it under the lock this run still holds, so it cannot have changed since.
 */
export async function switchToKept(ctx: RunContext, target: Target, toReleaseId: string, current: string | null): Promise<Step> {
  const result = ctx.results.get(target.id);
  if (result) result.previous = current;
  return switchAndRestart(ctx, target, 'switch', toReleaseId, current, 'rollback');
}

/**
 * The automatic rollback of one target of a batch whose health check failed: back to what `current` was before
 * this run. `missing` is the error message for a target that had nothing before.
 */
export async function switchBack(ctx: RunContext, target: Target, from: string, missing: string): Promise<Step> {
  const previous = ctx.results.get(target.id)?.previous;
  if (!previous) return { ok: false, error: engineError('release-missing', missing, target.id) };
  return switchAndRestart(ctx, target, 'rollback', previous, from, 'auto-rollback');
}
