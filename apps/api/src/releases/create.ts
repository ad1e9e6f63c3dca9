import { listRefs, PlanValidationError, resolveRef } from '@rp/deploy-engine';
import { ROLLBACK_CONCURRENCY, type CreateReleaseBody, type RollbackRollout } from '@rp/contract/releases';
import type { RolloutSpec } from '@rp/contract/rollout';
import type { Prisma } from '../generated/prisma/client.js';
import { assertWritable } from '../archive/service.js';
import { recordAudit } from '../audit/service.js';
import { environmentServerIds } from '../environments/targets.js';
import { enforce, enforceWindows, policyOf, refKindByName, refName, refRefusal, releaseRefusal, wantedKind, type RefKind, type RefRule, type Who } from '../environments/policy.js';
import { recordReleaseCreated, type ReleaseOrigin } from '../notifications/outbox.js';
import { gitFailureMessage, gitOptionsOf, type GitAccess } from '../projects/refs.js';
import { projectGitAccess } from '../projects/service.js';
import type { DbTx } from '../shared/db.js';
import { BadGateway, Conflict, Invalid, NotFound } from '../shared/errors.js';
import type { ReleaseDeps } from './deps.js';
import { announce } from './queue.js';
import { keptVersions } from './kept-versions.js';
import { DEFAULT_ROLLOUT } from './rollout.js';
import { loadSettingsSnapshot } from './settings-snapshot.js';
import { getRelease } from './views.js';

/** Branch or tag → the commit it names now: a release always ships one exact commit, whatever the branch does later. */
export async function resolveCommit(access: GitAccess, ref: string): Promise<string> {
  let outcome;
  try {
    outcome = await resolveRef(access.gitUrl, ref, { timeoutMs: 20_000, ...gitOptionsOf(access) });
  } catch (error) {
    if (error instanceof PlanValidationError) throw new Invalid('ref', error.message);
    throw error;
  }
  if ('sha' in outcome) return outcome.sha;
  if (!outcome.ok) {
    if (/not found/.test(outcome.message)) throw new Invalid('ref', `no branch or tag "${ref}" (abbreviated commits are not accepted; give all 40 characters)`);
    throw new BadGateway(`Cannot reach the Git repository: ${gitFailureMessage(access, outcome.message)}`);
  }
  throw new Invalid('ref', `cannot resolve "${ref}"`);
}

/**
 * The commit, and what the repository says the ref is when the environment's ref rule asks for a kind: then a name
 * that is both a branch and a tag is taken as the kind the rule wants.
 */
export async function resolveReleaseRef(access: GitAccess, ref: string, rule: RefRule): Promise<{ sha: string; kind: RefKind | null }> {
  const wanted = wantedKind(rule);
  const byName = refKindByName(ref);
  if (!wanted || byName === 'commit') return { sha: await resolveCommit(access, ref), kind: byName };
  const listed = await listRefs(access.gitUrl, { timeoutMs: 20_000, ...gitOptionsOf(access) });
  if (!listed.ok) throw new BadGateway(`Cannot reach the Git repository: ${gitFailureMessage(access, listed.message)}`);
  const name = refName(ref);
  const found = (kind: 'tag' | 'branch') => {
    if (byName !== null && byName !== kind) return undefined;
    const hit = (kind === 'tag' ? listed.refs.tags : listed.refs.branches).find((r) => r.name === name);
    return hit && { sha: hit.sha, kind };
  };
  const other = wanted === 'tag' ? 'branch' : 'tag';
  const match = found(wanted) ?? found(other);
  if (!match) throw new Invalid('ref', `no branch or tag "${ref}" (abbreviated commits are not accepted; give all 40 characters)`);
  return match;
}

/**
 * The servers a release targets: the subset asked for, which must belong to the environment (listed or selected by
 * its labels), or all of them.
 */
export async function chooseServers(
  tx: DbTx,
  environment: { name: string; serverSelector: string | null; servers: { serverId: string }[]; project: { groupId: string } },
  subset: string[] | undefined,
): Promise<string[]> {
  const all = await environmentServerIds(tx, { ...environment, groupId: environment.project.groupId });
  const serverIds = subset ?? all;
  const foreign = serverIds.filter((id) => !all.includes(id));
  if (foreign.length) throw new Invalid('serverIds', `not servers of environment ${environment.name}: ${foreign.join(', ')}`);
  if (serverIds.length === 0) throw new Invalid('environmentId', `environment ${environment.name} has no servers`);
  return serverIds;
}

interface NewRelease {
  projectId: string;
  environmentId: string;
  kind: 'release' | 'rollback' | 'scale_out';
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
  /** The webhook delivery that asked for it (auto-release). */
  deliveryId?: string;
  origin: ReleaseOrigin;
  /** A packed artifact of the same commit to reuse (a scale-out ships what the environment already runs). */
  artifact?: Prisma.InputJsonValue;
}

/** A new release's first state: creating a row is no move of the state table, so it is chosen here, not by `transition()`. */
function initialState({ requireApproval, autoStart }: { requireApproval: boolean; autoStart: boolean }): NewRelease['state'] {
  if (requireApproval) return 'pending_approval';
  return autoStart ? 'queued' : 'approved';
}

/** Inserts the release with its targets, audit entry and queue announcement, inside the caller's transaction. */
async function insertReleaseIn(tx: DbTx, { actor, ctx }: Pick<ReleaseDeps, 'actor' | 'ctx'>, input: NewRelease) {
  const { state } = input;
  const { releaseCount: number } = await tx.project.update({ where: { id: input.projectId }, data: { releaseCount: { increment: 1 } }, select: { releaseCount: true } });
  const release = await tx.release.create({
    data: {
      projectId: input.projectId,
      environmentId: input.environmentId,
      kind: input.kind,
      number,
      state,
      ref: input.ref,
      commit: input.commit,
      description: input.description,
      rollout: input.rollout as unknown as Prisma.InputJsonValue,
      rollbackToId: input.rollbackToId ?? null,
      deliveryId: input.deliveryId ?? null,
      ...(input.artifact ? { artifact: input.artifact } : {}),
      settings: (await loadSettingsSnapshot(tx, input)) as unknown as Prisma.InputJsonValue,
      createdById: actor.userId,
      queuedAt: state === 'queued' ? new Date() : null,
      scheduledAt: input.scheduledAt ?? null,
      targets: { create: input.serverIds.map((serverId) => ({ serverId })) },
    },
  });
  await recordAudit(tx, ctx, {
    action: input.kind === 'rollback' ? 'release.rollback' : input.kind === 'scale_out' ? 'release.scale_out' : 'release.create',
    resourceType: 'release',
    resourceId: release.id,
    details: {
      environmentId: input.environmentId,
      ref: input.ref,
      commit: input.commit,
      state,
      servers: input.serverIds.length,
      windowOverridden: input.windowOverridden ?? false,
      ...(input.deliveryId ? { deliveryId: input.deliveryId } : {}),
    },
  });
  await announce(tx, release);
  await recordReleaseCreated(tx, release, input.origin);
  return release;
}

async function insertRelease({ db, actor, ctx }: Pick<ReleaseDeps, 'db' | 'actor' | 'ctx'>, input: NewRelease) {
  return db.$transaction(async (tx) => getRelease({ db: tx }, { id: (await insertReleaseIn(tx, { actor, ctx }, input)).id }));
}

export async function createRelease(
  { db, secrets, actor, ctx }: Pick<ReleaseDeps, 'db' | 'secrets' | 'actor' | 'ctx'>,
  input: CreateReleaseBody,
  origin: Exclude<ReleaseOrigin, 'webhook'> = 'person',
) {
  await assertWritable(db, 'environment', input.environmentId);
  const environment = await db.environment.findUnique({ where: { id: input.environmentId }, include: { project: true, servers: true } });
  if (!environment) throw new NotFound('Environment');
  const serverIds = await chooseServers(db, environment, input.serverIds);
  const scheduledAt = input.scheduledAt ? new Date(input.scheduledAt) : undefined;
  if (scheduledAt && scheduledAt.getTime() < Date.now() - 60_000) throw new Invalid('scheduledAt', 'is in the past');
  const policed = { name: environment.name, policy: policyOf(environment.policy) };
  const who: Who = { actor, groupId: environment.project.groupId };
  // What the name alone shows is refused before the repository is asked anything.
  enforce(releaseRefusal(policed, { who, ref: input.ref, refKind: null, customRollout: input.rollout !== undefined }));
  const outside = enforceWindows(environment, { actor, at: scheduledAt ?? new Date(), override: input.overrideWindow });
  const resolved = await resolveReleaseRef((await projectGitAccess(db, secrets, environment.project)).access, input.ref, policed.policy.refPolicy);
  enforce(refRefusal(policed, input.ref, resolved.kind), 'refPolicy');
  const commit = resolved.sha;
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
      origin,
    },
  );
}

/**
 * The servers a rollback switches: every server that has the release's version (see keptVersions), or the chosen
 * ones (one host from the version matrix). The engine checks the directory is still kept there.
 */
function rollbackServers(kept: Map<string, string>, chosen: string[] | undefined): string[] {
  if (!chosen) return [...kept.keys()];
  const foreign = chosen.filter((id) => !kept.has(id));
  if (foreign.length) throw new Invalid('serverIds', `this release did not succeed on ${foreign.join(', ')}, so it is not there to roll back to`);
  return chosen;
}

/**
 * How a rollback goes out: `parallel` (the default, for an emergency) switches every server at once, up to
 * ROLLBACK_CONCURRENCY at a time, keeping the environment's failure and auto-rollback rules; `environment` follows the
 * environment's own rollout, batches and pauses included.
 */
function rollbackRolloutOf(choice: RollbackRollout, environment: RolloutSpec): RolloutSpec {
  if (choice === 'environment') return environment;
  return { strategy: 'parallel', concurrency: ROLLBACK_CONCURRENCY, ...(environment.failure ? { failure: environment.failure } : {}), ...(environment.autoRollback !== undefined ? { autoRollback: environment.autoRollback } : {}) };
}

/** Rolling back to a release means switching its servers (all, or the chosen ones) back to that release's directory. */
export async function createRollback(
  { db, actor, ctx }: Pick<ReleaseDeps, 'db' | 'actor' | 'ctx'>,
  { toId, description, overrideWindow, serverIds, rollout = 'parallel' }: { toId: string; description: string; overrideWindow?: boolean; serverIds?: string[]; rollout?: RollbackRollout },
) {
  const to = await db.release.findUnique({ where: { id: toId }, include: { environment: { include: { project: { select: { groupId: true } } } }, targets: true } });
  if (!to) throw new NotFound('Release');
  await assertWritable(db, 'environment', to.environmentId);
  if (to.kind === 'rollback' || to.state !== 'succeeded') throw new Conflict(`Only a succeeded release can be rolled back to; this one is ${to.kind === 'rollback' ? 'a rollback' : to.state}`, { state: to.state });
  // A rollback is a release of an older commit: the same people, refs and windows apply; the rollout is the environment's.
  const policed = { name: to.environment.name, policy: policyOf(to.environment.policy) };
  enforce(releaseRefusal(policed, { who: { actor, groupId: to.environment.project.groupId }, ref: to.ref, refKind: null }));
  const outside = enforceWindows(to.environment, { actor, at: new Date(), override: overrideWindow });
  return insertRelease(
    { db, actor, ctx },
    {
      projectId: to.projectId,
      environmentId: to.environmentId,
      kind: 'rollback',
      ref: to.ref,
      commit: to.commit,
      // Empty unless the person wrote one: the SPA says "roll back to <ref>" in the reader's language.
      description,
      rollout: rollbackRolloutOf(rollout, (to.environment.rollout as unknown as RolloutSpec | null) ?? DEFAULT_ROLLOUT),
      serverIds: rollbackServers(await keptVersions(db, to), serverIds),
      rollbackToId: to.id,
      state: initialState({ requireApproval: to.environment.requireApproval && to.environment.rollbackNeedsApproval, autoStart: true }),
      windowOverridden: outside,
      origin: 'person',
    },
  );
}

/** A branch or tag a webhook delivery pushed, and the exact commit it says the ref is at. */
export interface PushedCommit {
  ref: string;
  refKind: 'branch' | 'tag';
  commit: string;
  description: string;
  deliveryId: string;
}

/**
 * A release a webhook delivery asks for, made inside the delivery's transaction: the same people, ref rule, windows
 * and approval apply as to one a person creates, acting as `actor` (the owner who added the webhook). The commit is
 * the one the Git platform pushed, not what the branch names by the time this runs. Throws the same refusals as
 * `createRelease`; the caller records them on the delivery.
 */
export async function createPushedRelease(tx: DbTx, { actor, ctx }: Pick<ReleaseDeps, 'actor' | 'ctx'>, environmentId: string, pushed: PushedCommit) {
  await assertWritable(tx, 'environment', environmentId);
  const environment = await tx.environment.findUnique({ where: { id: environmentId }, include: { project: true, servers: true } });
  if (!environment) throw new NotFound('Environment');
  const serverIds = await chooseServers(tx, environment, undefined);
  const policed = { name: environment.name, policy: policyOf(environment.policy) };
  enforce(releaseRefusal(policed, { who: { actor, groupId: environment.project.groupId }, ref: pushed.ref, refKind: pushed.refKind }));
  enforceWindows(environment, { actor, at: new Date(), override: false });
  return insertReleaseIn(
    tx,
    { actor, ctx },
    {
      projectId: environment.projectId,
      environmentId,
      kind: 'release',
      ref: pushed.ref,
      commit: pushed.commit,
      description: pushed.description,
      rollout: (environment.rollout as unknown as RolloutSpec | null) ?? DEFAULT_ROLLOUT,
      serverIds,
      state: initialState({ requireApproval: environment.requireApproval, autoStart: true }),
      deliveryId: pushed.deliveryId,
      origin: 'webhook',
    },
  );
}

/**
 * What the environment runs now: its last finished release, rollback or scale-out that succeeded, resolved to the
 * release it put in place (a rollback's target). Null when nothing was ever released there.
 */
export async function currentReleaseOf(tx: DbTx, environmentId: string) {
  const last = await tx.release.findFirst({ where: { environmentId, state: 'succeeded' }, orderBy: { finishedAt: 'desc' } });
  if (!last) return null;
  return last.kind === 'rollback' && last.rollbackToId ? tx.release.findUnique({ where: { id: last.rollbackToId } }) : last;
}

/**
 * A scale-out: the environment's current release deployed to servers just added to it, queued at once (the version
 * was approved when it first went out), inside the caller's transaction. It reuses the artifact that release packed.
 */
export async function createScaleOut(tx: DbTx, { actor, ctx }: Pick<ReleaseDeps, 'actor' | 'ctx'>, { environmentId, serverIds }: { environmentId: string; serverIds: string[] }) {
  const source = await currentReleaseOf(tx, environmentId);
  if (!source) return null;
  const environment = await tx.environment.findUniqueOrThrow({ where: { id: environmentId } });
  return insertReleaseIn(
    tx,
    { actor, ctx },
    {
      projectId: environment.projectId,
      environmentId,
      kind: 'scale_out',
      ref: source.ref,
      commit: source.commit,
      // The SPA says what it is in the reader's language, as for rollbacks; its targets name the servers.
      description: '',
      rollout: (environment.rollout as unknown as RolloutSpec | null) ?? DEFAULT_ROLLOUT,
      serverIds,
      state: 'queued',
      origin: 'person',
      ...(source.artifact ? { artifact: source.artifact as Prisma.InputJsonValue } : {}),
    },
  );
}
