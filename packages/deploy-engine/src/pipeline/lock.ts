import { engineError } from '../errors.js';
import { lockRefreshCommand, lockReleaseCommand, lockTakeoverCommand } from '../remote/commands.js';
import type { Target } from '../types.js';
import { OK, remote, type RunContext, type Step } from './context.js';

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

/**
 * Decides on the `lock=` line of the prepare command, which already tried to create the lock. A lock of the same
 * release id is ours (a crashed or retried run of this release); an expired foreign lock, or one whose owner the
 * caller says has ended, is taken over and reported; a live foreign lock fails fast naming its owner.
 */
export async function settleLock(ctx: RunContext, target: Target, lockLine: string | undefined, ownerJson: string): Promise<Step> {
  if (lockLine === 'acquired') return OK;
  const seen = (lockLine ?? '').replace(/^held /, '').trim();
  let holder: Partial<LockOwner> = {};
  try {
    holder = JSON.parse(seen) as Partial<LockOwner>;
  } catch {
    // An unreadable lock is still a lock: treat it as held by an unknown owner that never expires.
  }
  if (holder.releaseId === ctx.plan.releaseId) return OK;
  const expires = holder.expiresAt ? Date.parse(holder.expiresAt) : Number.NaN;
  const ended = holder.releaseId !== undefined && (ctx.plan.staleLockOwners ?? []).includes(holder.releaseId);
  if (ended || (!Number.isNaN(expires) && expires < Date.now())) {
    const takeover = await remote(ctx, target, 'prepare', lockTakeoverCommand(target.deployPath, seen, ownerJson).text, { quiet: true });
    if (takeover.ok) {
      ctx.events.emit({ type: 'lock.takenOver', target: target.id, previousOwner: holder });
      return OK;
    }
  }
  const who = holder.releaseId ? `release ${holder.releaseId} on ${holder.instance ?? 'unknown instance'} until ${holder.expiresAt ?? '?'}` : `an unknown owner (${seen.slice(0, 200)})`;
  return { ok: false, error: engineError('locked', `${target.deployPath} on ${target.server.host} is locked by ${who}`, target.id) };
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
