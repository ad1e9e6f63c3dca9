import { engineError, type FailureReason } from '../errors.js';
import { lockTakeoverCommand, parseKeyValues, prepareCommand } from '../remote/commands.js';
import { Semaphore } from '../semaphore.js';
import type { Target } from '../types.js';
import { OK, runStage, type RunContext, type Step } from '../run/context.js';
import { currentToId } from '../run/current.js';
import { lockOwner, type LockOwner } from '../run/lock.js';
import type { Prepared } from '../run/prepared.js';
import { remote } from '../run/remote.js';

/** Pre-flight for every target before anything changes: reachable, layout present, disk measured, lock taken. */
export async function prepare(ctx: RunContext, prepared: Prepared): Promise<Step> {
  // Pre-flight is a barrier before any byte moves, so it reaches many hosts at once; 32 handshakes are cheap.
  const limit = new Semaphore(32);
  return runStage(ctx, 'prepare', undefined, async () => {
    await Promise.all(
      ctx.plan.targets.map((target) =>
        limit.run(async () => {
          const failure = await prepareTarget(ctx, prepared, target);
          if (!failure) return;
          prepared.failed++;
          const result = ctx.results.get(target.id);
          if (result) {
            result.state = 'failed';
            result.error = failure;
          }
          ctx.events.emit({ type: 'target.failed', target: target.id, stage: 'prepare', error: failure });
        }),
      ),
    );
    if (ctx.signal?.aborted) return { ok: false, error: engineError('aborted', 'run aborted during prepare') };
    const tolerate = ctx.plan.failurePolicy?.tolerate ?? 0;
    if (prepared.failed > tolerate) {
      return { ok: false, error: engineError('skipped', `pre-flight failed on ${prepared.failed} target(s), tolerance is ${tolerate}; nothing was changed`) };
    }
    return { ok: true };
  });
}

async function prepareTarget(ctx: RunContext, prepared: Prepared, target: Target): Promise<FailureReason | undefined> {
  const owner = JSON.stringify(lockOwner(ctx));
  const pre = await remote(ctx, target, 'prepare', prepareCommand(target.deployPath, owner).text, { quiet: true, timeoutMs: 30_000 });
  if (!pre.ok) return pre.error;
  const values = parseKeyValues(pre.out.stdout);
  const freeBytes = Number(values.get('free')) * 1024;
  prepared.targets.set(target.id, {
    freeBytes: Number.isFinite(freeBytes) ? freeBytes : undefined,
    current: currentToId(values.get('current') ?? ''),
    zstd: values.get('zstd') === 'yes',
  });
  const lock = await settleLock(ctx, target, values.get('lock'), owner);
  if (!lock.ok) return lock.error;
  prepared.locked.add(target.id);
  return undefined;
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
