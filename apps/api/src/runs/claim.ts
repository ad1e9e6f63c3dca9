import { ACTIVE_STATES } from '@rp/contract/release-states';
import { recordAudit } from '../audit/service.js';
import { policyOf, releaseRefusal, whoIs, windowRefusal } from '../environments/policy.js';
import type { Db, DbTx } from '../shared/db.js';
import { announce } from '../releases/queue.js';
import { transition } from '../releases/state-machine.js';

/** One advisory-lock key for claiming: claims are rare and short, and a global view is what makes them correct. */
const CLAIM_LOCK = 0x52_50_43_4c; // "RPCL"

const WORKER_CONTEXT = { actorId: null, actorName: 'worker', ip: null, userAgent: null };

const personFields = { id: true, username: true, isAdmin: true, disabled: true, memberships: { select: { groupId: true, role: true } } } as const;
const candidateFields = {
  id: true,
  startedAt: true,
  ref: true,
  environmentId: true,
  environment: {
    select: {
      name: true,
      deployPath: true,
      policy: true,
      releaseWindows: true,
      timezone: true,
      archivedAt: true,
      project: { select: { groupId: true, archivedAt: true, group: { select: { archivedAt: true } } } },
    },
  },
  createdBy: { select: personFields },
  targets: { select: { serverId: true } },
} as const;

/**
 * Who answers for the release now and whether the windows were overridden, from the audit entry of the last time it
 * was queued: whoever retried a release took it over from its creator; an administrator's override is recorded there.
 */
async function lastQueued(tx: DbTx, id: string): Promise<{ retriedBy: string | null; windowOverridden: boolean }> {
  const entry = await tx.auditLog.findFirst({
    where: { resourceType: 'release', resourceId: id, action: { in: ['release.create', 'release.rollback', 'release.retry'] } },
    orderBy: { id: 'desc' },
    select: { action: true, actorId: true, details: true },
  });
  const details = entry?.details;
  const windowOverridden = typeof details === 'object' && details !== null && !Array.isArray(details) && details.windowOverridden === true;
  return { retriedBy: entry?.action === 'release.retry' ? entry.actorId : null, windowOverridden };
}

/**
 * Claims the oldest queued release that may run now: none of its environment's releases is running, and none of
 * its (server, deploy path) pairs is in use by a running release of another environment. Claims are serialised by
 * a transaction-scoped advisory lock, because "is anything else running here?" needs one consistent answer across
 * workers (row locks with SKIP LOCKED alone would let two workers start two releases of one environment).
 * FIFO holds per environment and per host path: a release waiting behind a busy one blocks later overlapping ones.
 *
 * The environment's rules are checked again here, since they may have changed while the release waited: one whose
 * creator (or whoever retried it last) may no longer release there, or whose ref the environment no longer accepts, is cancelled with the
 * reason as its error; one whose release windows are closed now stays queued (without holding up other
 * environments) and starts when a window opens, unless an administrator overrode the windows when queueing it. One
 * whose environment, project or group has been archived meanwhile is cancelled too.
 */
export async function claimNext({ db }: { db: Db }, { workerId }: { workerId: string }): Promise<string | null> {
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${CLAIM_LOCK})`;
    const busy = await tx.release.findMany({
      where: { state: { in: [...ACTIVE_STATES] } },
      select: { environmentId: true, environment: { select: { deployPath: true } }, targets: { select: { serverId: true } } },
    });
    const blockedEnvs = new Set(busy.map((r) => r.environmentId));
    const blockedPaths = new Set(busy.flatMap((r) => r.targets.map((t) => `${t.serverId}:${r.environment.deployPath}`)));

    const queued = await tx.release.findMany({
      where: { state: 'queued', OR: [{ scheduledAt: null }, { scheduledAt: { lte: new Date() } }] },
      orderBy: [{ queuedAt: 'asc' }, { createdAt: 'asc' }],
      take: 200,
      select: candidateFields,
    });
    for (const candidate of queued) {
      const { environment } = candidate;
      const paths = candidate.targets.map((t) => `${t.serverId}:${environment.deployPath}`);
      if (blockedEnvs.has(candidate.environmentId) || paths.some((p) => blockedPaths.has(p))) {
        blockedEnvs.add(candidate.environmentId);
        for (const p of paths) blockedPaths.add(p);
        continue;
      }
      const now = new Date();
      const queued = await lastQueued(tx, candidate.id);
      const releaser = (queued.retriedBy && (await tx.user.findUnique({ where: { id: queued.retriedBy }, select: personFields }))) || candidate.createdBy;
      const policed = { name: environment.name, policy: policyOf(environment.policy) };
      // Archiving refuses while releases are unfinished, but one created in the same instant can slip past it.
      const archived = environment.archivedAt ?? environment.project.archivedAt ?? environment.project.group.archivedAt;
      const refusal = archived
        ? { message: `environment "${environment.name}" was archived`, rule: 'archived' }
        : releaseRefusal(policed, { who: whoIs(releaser, environment.project.groupId), ref: candidate.ref, refKind: null });
      if (refusal) {
        const error = `Not started: ${refusal.message}`;
        const cancelled = await transition(tx, { id: candidate.id, action: 'cancel', data: { finishedAt: now, error } });
        await recordAudit(tx, WORKER_CONTEXT, { action: 'release.cancel', resourceType: 'release', resourceId: candidate.id, details: { reason: error, rule: refusal.rule, state: cancelled.state } });
        await announce(tx, cancelled);
        continue;
      }
      if (windowRefusal(environment, now) && !queued.windowOverridden) continue;
      // A retry keeps the first start: the release began then, and its duration counts from there.
      await transition(tx, { id: candidate.id, action: 'claim', data: { workerId, heartbeatAt: now, startedAt: candidate.startedAt ?? now, abortRequestedAt: null } });
      return candidate.id;
    }
    return null;
  });
}
