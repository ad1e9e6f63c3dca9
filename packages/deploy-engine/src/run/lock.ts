import { lockRefreshCommand, lockReleaseCommand } from '../remote/commands.js';
import type { Target } from '../types.js';
import { OK, type RunContext, type Step } from './context.js';
import { remote } from './remote.js';

export interface LockOwner {
  releaseId: string;
  instance: string;
  createdAt: string;
  expiresAt: string;
}

export function lockOwner(ctx: RunContext): LockOwner {
  const now = Date.now();
  return {
    releaseId: ctx.plan.releaseId,
    instance: ctx.plan.instance ?? 'engine',
    createdAt: new Date(now).toISOString(),
    expiresAt: new Date(now + (ctx.plan.lockTtlMs ?? 60 * 60_000)).toISOString(),
  };
}

export async function releaseLock(ctx: RunContext, target: Target, stage: 'cleanup' | 'prepare'): Promise<Step> {
  const out = await remote(ctx, target, stage, lockReleaseCommand(target.deployPath, ctx.plan.releaseId).text, { uninterruptible: true, quiet: true, timeoutMs: 15_000 });
  return out.ok ? OK : out;
}

/**
 * Keeps the locks of a long run (a manual pause can last hours) from expiring and being taken over: every third
 * of the TTL the expiry is pushed forward on each target that still holds our lock. Returns a stop function.
 */
export function keepLocksFresh(ctx: RunContext, held: () => Target[]): () => Promise<void> {
  const ttl = ctx.plan.lockTtlMs ?? 60 * 60_000;
  let inFlight: Promise<unknown> | undefined;
  const timer = setInterval(
    () => {
      if (inFlight) return;
      const owner = JSON.stringify(lockOwner(ctx));
      inFlight = Promise.all(
        held().map((target) =>
          remote(ctx, target, 'prepare', lockRefreshCommand(target.deployPath, ctx.plan.releaseId, owner).text, { uninterruptible: true, quiet: true, timeoutMs: 15_000 }),
        ),
      ).finally(() => {
        inFlight = undefined;
      });
    },
    Math.max(ttl / 3, 500),
  );
  timer.unref();
  // Stopping waits for a refresh under way, so it cannot recreate a lock the run is about to remove.
  return async () => {
    clearInterval(timer);
    await inFlight;
  };
}
