import { PlanValidationError, resolveRef } from '@rp/deploy-engine';
import type { CreateReleaseBody } from '@rp/contract/releases';
import type { RolloutSpec } from '@rp/contract/rollout';
import type { Prisma } from '../generated/prisma/client.js';
import { recordAudit } from '../audit/service.js';
import { isInsideWindow, type ReleaseWindow } from '../environments/windows.js';
import { authenticatedUrl, scrub, type GitAccess } from '../projects/refs.js';
import { projectGitAccess } from '../projects/service.js';
import { BadGateway, Conflict, Invalid, NotFound } from '../shared/errors.js';
import type { ReleaseDeps } from './deps.js';
import { announce } from './queue.js';
import { DEFAULT_ROLLOUT } from './rollout.js';
import { getRelease } from './views.js';

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

/** The servers a release targets: the subset asked for, which must belong to the environment, or all of them. */
export function chooseServers(environment: { name: string; servers: { serverId: string }[] }, subset: string[] | undefined): string[] {
  const all = environment.servers.map((s) => s.serverId);
  const serverIds = subset ?? all;
  const foreign = serverIds.filter((id) => !all.includes(id));
  if (foreign.length) throw new Invalid('serverIds', `not servers of environment ${environment.name}: ${foreign.join(', ')}`);
  if (serverIds.length === 0) throw new Invalid('environmentId', `environment ${environment.name} has no servers`);
  return serverIds;
}

interface NewRelease {
  projectId: string;
  environmentId: string;
  kind: 'release' | 'rollback';
  ref: string;
  commit: string;
  description: string;
  rollout: RolloutSpec;
  serverIds: string[];
  rollbackToId?: string;
  /** Where a release starts: awaiting approval, queued, or approved and waiting for someone to start it. */
  state: 'pending_approval' | 'queued' | 'approved';
  /** Created outside the release windows by an administrator's override: recorded in the audit entry. */
  windowOverridden?: boolean;
  scheduledAt?: Date;
}

/** A new release's first state: creating a row is no move of the state table, so it is chosen here, not by `transition()`. */
function initialState({ requireApproval, autoStart }: { requireApproval: boolean; autoStart: boolean }): NewRelease['state'] {
  if (requireApproval) return 'pending_approval';
  return autoStart ? 'queued' : 'approved';
}

async function insertRelease({ db, actor, ctx }: Pick<ReleaseDeps, 'db' | 'actor' | 'ctx'>, input: NewRelease) {
  const { state } = input;
  return db.$transaction(async (tx) => {
    const release = await tx.release.create({
      data: {
        projectId: input.projectId,
        environmentId: input.environmentId,
        kind: input.kind,
        state,
        ref: input.ref,
        commit: input.commit,
        description: input.description,
        rollout: input.rollout as unknown as Prisma.InputJsonValue,
        rollbackToId: input.rollbackToId ?? null,
        createdById: actor.userId,
        queuedAt: state === 'queued' ? new Date() : null,
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
    await announce(tx, release);
    return getRelease({ db: tx }, { id: release.id });
  });
}

export async function createRelease({ db, secrets, actor, ctx }: Pick<ReleaseDeps, 'db' | 'secrets' | 'actor' | 'ctx'>, input: CreateReleaseBody) {
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
  const commit = await resolveCommit((await projectGitAccess(db, secrets, environment.project)).access, input.ref);
  const rollout = input.rollout ?? ((environment.rollout as unknown as RolloutSpec | null) ?? DEFAULT_ROLLOUT);
  return insertRelease(
    { db, actor, ctx },
    {
      projectId: environment.projectId,
      environmentId: environment.id,
      kind: 'release',
      ref: input.ref,
      commit,
      description: input.description ?? '',
      rollout,
      serverIds,
      state: initialState({ requireApproval: environment.requireApproval, autoStart: input.autoStart ?? true }),
      windowOverridden: outside,
      ...(scheduledAt ? { scheduledAt } : {}),
    },
  );
}

/** Rolling back to a release means switching every one of its servers back to that release's directory. */
export async function createRollback({ db, actor, ctx }: Pick<ReleaseDeps, 'db' | 'actor' | 'ctx'>, { toId, description }: { toId: string; description: string }) {
  const to = await db.release.findUnique({ where: { id: toId }, include: { environment: true, targets: true } });
  if (!to) throw new NotFound('Release');
  if (to.kind !== 'release' || to.state !== 'succeeded') throw new Conflict(`Only a succeeded release can be rolled back to; this one is ${to.state}`, { state: to.state });
  return insertRelease(
    { db, actor, ctx },
    {
      projectId: to.projectId,
      environmentId: to.environmentId,
      kind: 'rollback',
      ref: to.ref,
      commit: to.commit,
      description: description || `Roll back to ${to.ref} (${to.commit.slice(0, 8)})`,
      rollout: (to.environment.rollout as unknown as RolloutSpec | null) ?? DEFAULT_ROLLOUT,
      serverIds: to.targets.map((t) => t.serverId),
      rollbackToId: to.id,
      state: initialState({ requireApproval: to.environment.requireApproval, autoStart: true }),
    },
  );
}
