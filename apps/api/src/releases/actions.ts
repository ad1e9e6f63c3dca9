import { canTransition, TRANSITIONS, type Transition } from '@rp/contract/release-states';
import type { Prisma } from '../generated/prisma/client.js';
import { assertWritable } from '../archive/service.js';
import { recordAudit } from '../audit/service.js';
import { notifyControl, notifyStateChanged } from '../channels.js';
import { approverRefusal, enforce, enforceWindows, policyOf, releaseRefusal } from '../environments/policy.js';
import type { Actor, RequestContext } from '../plugins/app/auth/actor.js';
import type { Db, DbTx } from '../shared/db.js';
import { Conflict, Forbidden, NotFound } from '../shared/errors.js';
import type { ReleaseDeps } from './deps.js';
import { announce } from './queue.js';
import { transition } from './state-machine.js';
import { getRelease } from './views.js';

type Deps = Pick<ReleaseDeps, 'db' | 'ctx'>;
type ReviewDeps = Pick<ReleaseDeps, 'db' | 'actor' | 'ctx'>;
interface Target {
  id: string;
}
interface Review extends Target {
  comment: string;
}

type Move = Target & { action: Transition; data?: Omit<Prisma.ReleaseUncheckedUpdateManyInput, 'state'>; audit?: object };

/** One move of the state table with its audit entry and notifications, inside the caller's transaction. */
async function actIn(tx: DbTx, ctx: RequestContext, { id, action, data = {}, audit = {} }: Move) {
  const release = await transition(tx, { id, action, data });
  await recordAudit(tx, ctx, { action: `release.${action}`, resourceType: 'release', resourceId: id, details: { ...audit, state: release.state } });
  await announce(tx, release);
  if (action === 'resume') await notifyControl(tx, id);
  return release;
}

/** One move with its audit entry and notifications, in a transaction of its own. */
async function act({ db, ctx }: Deps, move: Move) {
  return db.$transaction(async (tx) => {
    await actIn(tx, ctx, move);
    return getRelease({ db: tx }, { id: move.id });
  });
}

/**
 * Cancels the auto-releases of an environment still waiting (for approval, to be started or in the queue) because a
 * newer push supersedes them; releases people made are never touched. Answers the ids cancelled.
 */
export async function cancelSupersededIn(tx: DbTx, ctx: RequestContext, { environmentId, by }: { environmentId: string; by: { id: string; deliveryId: string | null } }): Promise<string[]> {
  const waiting = await tx.release.findMany({ where: { environmentId, id: { not: by.id }, deliveryId: { not: null }, state: { in: [...TRANSITIONS.cancel.from] } }, select: { id: true } });
  for (const { id } of waiting) await actIn(tx, ctx, { id, action: 'cancel', data: { finishedAt: new Date() }, audit: { reason: 'superseded by a newer push', supersededBy: by.id, deliveryId: by.deliveryId } });
  return waiting.map((r) => r.id);
}

async function findRelease(db: Db, id: string) {
  const release = await db.release.findUnique({ where: { id } });
  if (!release) throw new NotFound('Release');
  return release;
}

/** The release with what its environment's policy needs: the rules, the windows and the project's group. */
async function findPoliced(db: Db, id: string) {
  const release = await db.release.findUnique({ where: { id }, include: { environment: { include: { project: { select: { groupId: true } } } } } });
  if (!release) throw new NotFound('Release');
  const { environment } = release;
  return { release, environment, policed: { name: environment.name, policy: policyOf(environment.policy) }, groupId: environment.project.groupId };
}

/**
 * Who queued a release that starts on its own once approved: the platform, not the approver, who only approved it
 * (the audit entry names them).
 */
const SYSTEM_CONTEXT: RequestContext = { actorId: null, actorName: 'system', ip: null, userAgent: null };

const reviewData = (actor: Actor, comment: string) => ({ approvedById: actor.userId, approvedAt: new Date(), reviewComment: comment });

export async function approve({ db, actor, ctx }: ReviewDeps, { id, comment }: Review) {
  const { release, policed, groupId } = await findPoliced(db, id);
  enforce(approverRefusal(policed, { actor, groupId }), 'approvers');
  if (release.createdById === actor.userId) throw new Forbidden('A release must be approved by someone other than its creator');
  const approved = await act({ db, ctx }, { id, action: 'approve', data: reviewData(actor, comment), audit: { comment } });
  // Approval of a release that should start on its own queues it straight away.
  return act({ db, ctx: SYSTEM_CONTEXT }, { id, action: 'enqueue', data: { queuedAt: new Date() }, audit: { reason: 'approved', approvedBy: actor.username } }).catch((error) => {
    if (error instanceof Conflict) return approved;
    throw error;
  });
}

export async function reject({ db, actor, ctx }: ReviewDeps, { id, comment }: Review) {
  const { policed, groupId } = await findPoliced(db, id);
  enforce(approverRefusal(policed, { actor, groupId }), 'approvers');
  return act({ db, ctx }, { id, action: 'reject', data: reviewData(actor, comment), audit: { comment } });
}

export const start = (deps: Deps, { id }: Target) => act(deps, { id, action: 'enqueue', data: { queuedAt: new Date() } });
export const cancel = (deps: Deps, { id }: Target) => act(deps, { id, action: 'cancel', data: { finishedAt: new Date() } });
/** "Continue" on a release paused between batches; the worker running it hears of it on the control channel. */
export const resume = (deps: Deps, { id }: Target) => act(deps, { id, action: 'resume' });

/** A retry queues the release again: whoever asks must be allowed to release there now, its ref still accepted, and a window open. */
export async function retry({ db, actor, ctx }: ReviewDeps, { id, overrideWindow }: Target & { overrideWindow?: boolean }) {
  const { release: before, environment, policed, groupId } = await findPoliced(db, id);
  enforce(releaseRefusal(policed, { who: { actor, groupId }, ref: before.ref, refKind: null }));
  // A release that cannot be retried gets the state table's refusal below, not the window's.
  const windowOverridden = canTransition(before.state, 'retry') && enforceWindows(environment, { actor, at: new Date(), override: overrideWindow });
  return db.$transaction(async (tx) => {
    const release = await transition(tx, { id, action: 'retry', data: { queuedAt: new Date(), finishedAt: null, error: null, abortRequestedAt: null } });
    await assertWritable(tx, 'environment', release.environmentId);
    await tx.releaseTarget.updateMany({ where: { releaseId: id, state: { not: 'succeeded' } }, data: { state: 'pending', error: null, finishedAt: null } });
    await recordAudit(tx, ctx, { action: 'release.retry', resourceType: 'release', resourceId: id, details: { state: release.state, windowOverridden } });
    await announce(tx, release);
    return getRelease({ db: tx }, { id });
  });
}

/**
 * Abort before the run: the release is cancelled. During the run: the request is recorded and the worker running
 * it stops the engine at the next safe point; the final state (aborted, with each target's release) follows.
 */
export async function abort({ db, ctx }: Deps, { id }: Target) {
  const release = await findRelease(db, id);
  if (canTransition(release.state, 'cancel')) return cancel({ db, ctx }, { id });
  return db.$transaction(async (tx) => {
    // Only the request is recorded here; the worker makes the `abort` move once the engine has stopped.
    const updated = await tx.release.updateMany({ where: { id, state: { in: [...TRANSITIONS.abort.from] } }, data: { abortRequestedAt: new Date() } });
    if (updated.count === 0) throw new Conflict(`Cannot abort a release that is ${release.state}`, { state: release.state });
    await recordAudit(tx, ctx, { action: 'release.abort', resourceType: 'release', resourceId: id });
    await notifyControl(tx, id);
    await notifyStateChanged(tx, id);
    return getRelease({ db: tx }, { id });
  });
}
