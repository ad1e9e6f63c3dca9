import { PlanValidationError, resolveRef } from '@rp/deploy-engine';
import type { Static } from 'typebox';
import type { Prisma } from '../generated/prisma/client.js';
import { recordAudit } from '../audit/service.js';
import type { Actor, RequestContext } from '../plugins/app/auth/actor.js';
import { authenticatedUrl, scrub, type GitAccess } from '../projects/refs.js';
import { projectGitAccess } from '../projects/service.js';
import type { Db, DbTx } from '../shared/db.js';
import { BadGateway, Conflict, Forbidden, Invalid, NotFound } from '../shared/errors.js';
import { publish } from '../shared/pubsub.js';
import { pageArgs } from '../shared/pagination.js';
import type { SecretBox } from '../shared/secret-box.js';
import { EVENTS_CHANNEL } from './event-recorder.js';
import { isInsideWindow, type ReleaseWindow } from '../environments/windows.js';
import { releaseProgress } from './progress.js';
import type { RolloutSpec } from '@rp/contract/rollout';
import { DEFAULT_ROLLOUT } from './rollout.js';
import type { CreateReleaseBody, ReleaseQuery } from '@rp/contract/releases';
import type { Transition } from '@rp/contract/release-states';
import { transition } from './state-machine.js';
import { CONTROL_CHANNEL, QUEUE_CHANNEL } from './worker.js';

const include = {
  project: { select: { name: true, groupId: true } },
  environment: { select: { name: true } },
  createdBy: { select: { username: true } },
  approvedBy: { select: { username: true } },
  targets: { include: { server: { select: { name: true, host: true } } }, orderBy: { server: { name: 'asc' } } },
} as const satisfies Prisma.ReleaseInclude;

type ReleaseRow = Prisma.ReleaseGetPayload<{ include: typeof include }>;
const iso = (d: Date | null) => d?.toISOString() ?? null;

export function toReleaseView(r: ReleaseRow) {
  return {
    id: r.id,
    kind: r.kind,
    state: r.state,
    projectId: r.projectId,
    projectName: r.project.name,
    groupId: r.project.groupId,
    environmentId: r.environmentId,
    environmentName: r.environment.name,
    ref: r.ref,
    commit: r.commit,
    description: r.description,
    rollout: r.rollout as unknown as RolloutSpec,
    rollbackToId: r.rollbackToId,
    createdBy: r.createdBy.username,
    approvedBy: r.approvedBy?.username ?? null,
    approvedAt: iso(r.approvedAt),
    reviewComment: r.reviewComment,
    abortRequested: r.abortRequestedAt !== null,
    queuedAt: iso(r.queuedAt),
    scheduledAt: iso(r.scheduledAt),
    startedAt: iso(r.startedAt),
    finishedAt: iso(r.finishedAt),
    createdAt: r.createdAt.toISOString(),
    error: r.error,
    lastSeq: r.lastSeq,
    targets: r.targets.map((t) => ({
      serverId: t.serverId,
      serverName: t.server.name,
      host: t.server.host,
      state: t.state,
      stage: t.stage,
      previous: t.previous,
      current: t.current,
      error: t.error,
      startedAt: iso(t.startedAt),
      finishedAt: iso(t.finishedAt),
    })),
  };
}

export async function getRelease(db: DbTx, id: string) {
  const release = await db.release.findUnique({ where: { id }, include });
  if (!release) throw new NotFound('Release');
  return { ...toReleaseView(release), progress: await releaseProgress(db, release) };
}

export async function releaseGroup(db: Db, id: string): Promise<string | null> {
  const row = await db.release.findUnique({ where: { id }, select: { project: { select: { groupId: true } } } });
  return row?.project.groupId ?? null;
}

export async function listReleases(db: Db, actor: Actor, query: Static<typeof ReleaseQuery>) {
  const where: Prisma.ReleaseWhereInput = {
    projectId: query.projectId,
    environmentId: query.environmentId,
    state: query.state,
    createdBy: query.createdBy ? { username: query.createdBy } : undefined,
    createdAt: query.createdFrom || query.createdTo ? { gte: query.createdFrom, lt: query.createdTo } : undefined,
    project: actor.isAdmin ? undefined : { groupId: { in: [...actor.roles.keys()] } },
  };
  const [rows, total] = await Promise.all([
    db.release.findMany({ where, include, orderBy: { createdAt: 'desc' }, ...pageArgs(query.page, query.pageSize) }),
    db.release.count({ where }),
  ]);
  return { items: rows.map((r) => { const { targets: _t, ...rest } = toReleaseView(r); return rest; }), total, page: query.page, pageSize: query.pageSize };
}

/** Branch or tag → the commit it names now: a release always ships one exact commit, whatever the branch does later. */
export async function resolveCommit(access: GitAccess, ref: string): Promise<string> {
  let outcome;
  try {
    outcome = await resolveRef(authenticatedUrl(access), ref, { timeoutMs: 20_000 });
  } catch (error) {
    if (error instanceof PlanValidationError) throw new Invalid('ref', error.message);
    throw error;
  }
  if ('sha' in outcome) return outcome.sha;
  if (!outcome.ok) {
    if (/not found/.test(outcome.message)) throw new Invalid('ref', `no branch or tag "${ref}" (abbreviated commits are not accepted; give all 40 characters)`);
    throw new BadGateway(`Cannot reach the Git repository: ${scrub(outcome.message, access)}`);
  }
  throw new Invalid('ref', `cannot resolve "${ref}"`);
}

/** Queues or parks a new release; the caller is in a transaction, so the NOTIFY only fires if it commits. */
async function announce(tx: DbTx, id: string, queued: boolean) {
  await publish(tx, EVENTS_CHANNEL, `${id}:state`);
  if (queued) await publish(tx, QUEUE_CHANNEL, id);
}

interface NewRelease {
  environmentId: string;
  kind: 'release' | 'rollback';
  ref: string;
  commit: string;
  description: string;
  rollout: RolloutSpec;
  serverIds: string[];
  rollbackToId?: string;
  autoStart: boolean;
  /** Created outside the release windows by an administrator's override: recorded in the audit entry. */
  windowOverridden?: boolean;
  scheduledAt?: Date;
}

async function insertRelease(db: Db, actor: Actor, input: NewRelease, requireApproval: boolean, projectId: string, ctx: RequestContext) {
  const now = new Date();
  const state = requireApproval ? 'pending_approval' : input.autoStart ? 'queued' : 'approved';
  return db.$transaction(async (tx) => {
    const release = await tx.release.create({
      data: {
        projectId,
        environmentId: input.environmentId,
        kind: input.kind,
        state,
        ref: input.ref,
        commit: input.commit,
        description: input.description,
        rollout: input.rollout as unknown as Prisma.InputJsonValue,
        rollbackToId: input.rollbackToId ?? null,
        createdById: actor.userId,
        queuedAt: state === 'queued' ? now : null,
        scheduledAt: input.scheduledAt ?? null,
        targets: { create: input.serverIds.map((serverId) => ({ serverId })) },
      },
    });
    await recordAudit(tx, ctx, {
      action: input.kind === 'rollback' ? 'release.rollback' : 'release.create',
      resourceType: 'release',
      resourceId: release.id,
      details: { environmentId: input.environmentId, ref: input.ref, commit: input.commit, state, servers: input.serverIds.length, windowOverridden: input.windowOverridden ?? false },
    });
    await announce(tx, release.id, state === 'queued');
    return getRelease(tx, release.id);
  });
}

/** The servers a release targets: the subset asked for, which must belong to the environment, or all of them. */
export function chooseServers(environment: { name: string; servers: { serverId: string }[] }, subset: string[] | undefined): string[] {
  const all = environment.servers.map((s) => s.serverId);
  const serverIds = subset ?? all;
  const foreign = serverIds.filter((id) => !all.includes(id));
  if (foreign.length) throw new Invalid('serverIds', `not servers of environment ${environment.name}: ${foreign.join(', ')}`);
  if (serverIds.length === 0) throw new Invalid('environmentId', `environment ${environment.name} has no servers`);
  return serverIds;
}

export async function createRelease(db: Db, box: SecretBox, actor: Actor, input: Static<typeof CreateReleaseBody>, ctx: RequestContext) {
  const environment = await db.environment.findUnique({ where: { id: input.environmentId }, include: { project: true, servers: true } });
  if (!environment) throw new NotFound('Environment');
  const serverIds = chooseServers(environment, input.serverIds);
  const scheduledAt = input.scheduledAt ? new Date(input.scheduledAt) : undefined;
  if (scheduledAt && scheduledAt.getTime() < Date.now() - 60_000) throw new Invalid('scheduledAt', 'is in the past');
  const windows = environment.releaseWindows as unknown as ReleaseWindow[];
  const outside = windows.length > 0 && !isInsideWindow(windows, environment.timezone, scheduledAt ?? new Date());
  if (outside && !(input.overrideWindow && actor.isAdmin)) {
    throw new Conflict(
      input.overrideWindow ? 'Only administrators may release outside the release windows' : `Environment ${environment.name} is outside its release windows (${environment.timezone})`,
      { windows, timezone: environment.timezone },
    );
  }
  const commit = await resolveCommit((await projectGitAccess(db, box, environment.project)).access, input.ref);
  const rollout = input.rollout ?? ((environment.rollout as unknown as RolloutSpec | null) ?? DEFAULT_ROLLOUT);
  return insertRelease(
    db,
    actor,
    {
      environmentId: environment.id,
      kind: 'release',
      ref: input.ref,
      commit,
      description: input.description ?? '',
      rollout,
      serverIds,
      autoStart: input.autoStart ?? true,
      windowOverridden: outside,
      ...(scheduledAt ? { scheduledAt } : {}),
    },
    environment.requireApproval,
    environment.projectId,
    ctx,
  );
}

/** Rolling back to a release means switching every one of its servers back to that release's directory. */
export async function createRollback(db: Db, actor: Actor, toId: string, description: string, ctx: RequestContext) {
  const to = await db.release.findUnique({ where: { id: toId }, include: { environment: true, targets: true } });
  if (!to) throw new NotFound('Release');
  if (to.kind !== 'release' || to.state !== 'succeeded') throw new Conflict(`Only a succeeded release can be rolled back to; this one is ${to.state}`, { state: to.state });
  return insertRelease(
    db,
    actor,
    {
      environmentId: to.environmentId,
      kind: 'rollback',
      ref: to.ref,
      commit: to.commit,
      description: description || `Roll back to ${to.ref} (${to.commit.slice(0, 8)})`,
      rollout: (to.environment.rollout as unknown as RolloutSpec | null) ?? DEFAULT_ROLLOUT,
      serverIds: to.targets.map((t) => t.serverId),
      rollbackToId: to.id,
      autoStart: true,
    },
    to.environment.requireApproval,
    to.projectId,
    ctx,
  );
}

async function act(db: Db, id: string, action: Transition, data: Prisma.ReleaseUncheckedUpdateManyInput, ctx: RequestContext, audit: object = {}) {
  return db.$transaction(async (tx) => {
    const release = await transition(tx, id, action, data);
    await recordAudit(tx, ctx, { action: `release.${action}`, resourceType: 'release', resourceId: id, details: { ...audit, state: release.state } });
    await announce(tx, id, release.state === 'queued');
    if (action === 'resume') await publish(tx, CONTROL_CHANNEL, id);
    return getRelease(tx, id);
  });
}

export async function review(db: Db, actor: Actor, id: string, approve: boolean, comment: string, ctx: RequestContext) {
  const release = await db.release.findUnique({ where: { id } });
  if (!release) throw new NotFound('Release');
  if (approve && release.createdById === actor.userId) throw new Forbidden('A release must be approved by someone other than its creator');
  const data = { approvedById: actor.userId, approvedAt: new Date(), reviewComment: comment };
  if (!approve) return act(db, id, 'reject', data, ctx, { comment });
  const approved = await act(db, id, 'approve', data, ctx, { comment });
  // Approval of a release that should start on its own queues it straight away.
  return act(db, id, 'enqueue', { queuedAt: new Date() }, ctx, { reason: 'approved' }).catch((error) => {
    if (error instanceof Conflict) return approved;
    throw error;
  });
}

export const startRelease = (db: Db, id: string, ctx: RequestContext) => act(db, id, 'enqueue', { queuedAt: new Date() }, ctx);
export const cancelRelease = (db: Db, id: string, ctx: RequestContext) => act(db, id, 'cancel', { finishedAt: new Date() }, ctx);
export const continueRelease = (db: Db, id: string, ctx: RequestContext) => act(db, id, 'resume', {}, ctx);

export async function retryRelease(db: Db, id: string, ctx: RequestContext) {
  return db.$transaction(async (tx) => {
    const release = await transition(tx, id, 'retry', { queuedAt: new Date(), finishedAt: null, error: null, abortRequestedAt: null });
    await tx.releaseTarget.updateMany({ where: { releaseId: id, state: { not: 'succeeded' } }, data: { state: 'pending', error: null, finishedAt: null } });
    await recordAudit(tx, ctx, { action: 'release.retry', resourceType: 'release', resourceId: id, details: { state: release.state } });
    await announce(tx, id, true);
    return getRelease(tx, id);
  });
}

/**
 * Abort before the run: the release is cancelled. During the run: the request is recorded and the worker running
 * it stops the engine at the next safe point; the final state (aborted, with each target's release) follows.
 */
export async function abortRelease(db: Db, id: string, ctx: RequestContext) {
  const release = await db.release.findUnique({ where: { id } });
  if (!release) throw new NotFound('Release');
  if (['pending_approval', 'approved', 'queued'].includes(release.state)) return cancelRelease(db, id, ctx);
  return db.$transaction(async (tx) => {
    const updated = await tx.release.updateMany({ where: { id, state: { in: ['running', 'paused'] } }, data: { abortRequestedAt: new Date() } });
    if (updated.count === 0) throw new Conflict(`Cannot abort a release that is ${release.state}`, { state: release.state });
    await recordAudit(tx, ctx, { action: 'release.abort', resourceType: 'release', resourceId: id });
    await publish(tx, CONTROL_CHANNEL, id);
    await announce(tx, id, false);
    return getRelease(tx, id);
  });
}

export async function listEvents(db: Db, id: string, since: number, limit: number) {
  const release = await db.release.findUnique({ where: { id }, select: { lastSeq: true } });
  if (!release) throw new NotFound('Release');
  const rows = await db.releaseEvent.findMany({ where: { releaseId: id, seq: { gt: since } }, orderBy: { seq: 'asc' }, take: limit + 1 });
  const more = rows.length > limit;
  return { events: rows.slice(0, limit).map(toEventView), lastSeq: release.lastSeq, more };
}

export function toEventView(e: { seq: number; at: Date; type: string; stage: string | null; target: string | null; stream: string | null; text: string | null; data: Prisma.JsonValue }) {
  return { seq: e.seq, at: e.at.toISOString(), type: e.type, stage: e.stage, target: e.target, stream: e.stream, text: e.text, data: e.data };
}

/**
 * Reorders the queue of one environment. Claims take queued releases by `queuedAt`, so moving is giving the release
 * a queue time just before the one it should precede (or just after the last one, for the end of the queue).
 */
export async function moveInQueue(db: Db, id: string, before: string | undefined, ctx: RequestContext) {
  return db.$transaction(async (tx) => {
    const release = await tx.release.findUnique({ where: { id } });
    if (!release) throw new NotFound('Release');
    if (release.state !== 'queued') throw new Conflict(`Only a queued release can be moved; this one is ${release.state}`, { state: release.state });
    const last = await tx.release.findFirst({ where: { environmentId: release.environmentId, state: 'queued', id: { not: id } }, orderBy: { queuedAt: 'desc' } });
    let queuedAt = new Date(Math.max(Date.now(), (last?.queuedAt?.getTime() ?? 0) + 1));
    if (before) {
      const anchor = await tx.release.findUnique({ where: { id: before } });
      if (!anchor || anchor.state !== 'queued' || anchor.environmentId !== release.environmentId || !anchor.queuedAt) {
        throw new Invalid('before', 'must be another queued release of the same environment');
      }
      queuedAt = new Date(anchor.queuedAt.getTime() - 1);
    }
    const moved = await tx.release.updateMany({ where: { id, state: 'queued' }, data: { queuedAt } });
    if (moved.count === 0) throw new Conflict('The release left the queue meanwhile');
    await recordAudit(tx, ctx, { action: 'release.move', resourceType: 'release', resourceId: id, details: { before: before ?? null } });
    await announce(tx, id, false);
    return getRelease(tx, id);
  });
}
