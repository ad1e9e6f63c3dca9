import type { DbTx } from '../shared/db.js';

/** A host that did not end on the new release, for a failure message. */
export interface FailingHost {
  name: string;
  host: string;
  state: string;
  stage: string | null;
  error: string | null;
}

/** What every message about a release shows, read once when the notifier takes the event (see `expand.ts`). */
export interface ReleaseFacts {
  kind: 'release';
  releaseId: string;
  releaseKind: 'release' | 'rollback' | 'scale_out';
  groupId: string;
  projectId: string;
  environmentId: string;
  group: string;
  project: string;
  environment: string;
  ref: string;
  commit: string;
  description: string;
  creator: { id: string; username: string; displayName: string };
  /** Who pushed, for a release a webhook delivery created. */
  pusher: string | null;
  origin: 'person' | 'webhook' | 'trigger';
  reviewer: string | null;
  reviewComment: string;
  state: string;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  /** Hosts by the state they ended in (only states with at least one host). */
  counts: Record<string, number>;
  total: number;
  failingHosts: FailingHost[];
  /** The stage that failed, and its last log lines (at most 20; the failing host's when one is known). */
  failedStage: string | null;
  logTail: string[];
  error: string | null;
}

/** A supervision alarm: the service, the host, and what was seen. */
export interface ServiceFacts {
  kind: 'service';
  groupId: string;
  projectId: string | null;
  environmentId: string | null;
  /** The environment's name, for rules limited by a name pattern. */
  environment: string | null;
  service: string;
  server: string;
  detail: string;
}

export type EventFacts = ReleaseFacts | ServiceFacts;

const FAILING = ['failed', 'aborted', 'interrupted', 'rolled_back'];
const MAX_FAILING_HOSTS = 10;
export const LOG_TAIL_LINES = 20;

async function logTailOf(db: DbTx, releaseId: string, failing: { serverId: string; stage: string | null } | undefined) {
  const last = failing?.stage
    ? { stage: failing.stage }
    : await db.releaseEvent.findFirst({ where: { releaseId, type: 'log', stage: { not: null } }, orderBy: { seq: 'desc' }, select: { stage: true } });
  const stage = last?.stage ?? null;
  if (!stage) return { failedStage: null, logTail: [] };
  const rows = await db.releaseEvent.findMany({
    where: { releaseId, type: 'log', stage, ...(failing ? { OR: [{ target: failing.serverId }, { target: null }] } : {}) },
    orderBy: { seq: 'desc' },
    take: LOG_TAIL_LINES,
    select: { text: true, stream: true },
  });
  return { failedStage: stage, logTail: rows.reverse().map((r) => `${r.stream === 'stderr' ? '! ' : ''}${r.text ?? ''}`) };
}

export async function releaseFacts(db: DbTx, releaseId: string, origin: ReleaseFacts['origin']): Promise<ReleaseFacts | null> {
  const release = await db.release.findUnique({
    where: { id: releaseId },
    include: {
      project: { select: { id: true, name: true, groupId: true, group: { select: { name: true } } } },
      environment: { select: { id: true, name: true } },
      createdBy: { select: { id: true, username: true, displayName: true } },
      approvedBy: { select: { displayName: true } },
      delivery: { select: { pusher: true } },
      targets: { include: { server: { select: { name: true, host: true } } }, orderBy: { serverId: 'asc' } },
    },
  });
  if (!release) return null;
  const counts: Record<string, number> = {};
  for (const t of release.targets) counts[t.state] = (counts[t.state] ?? 0) + 1;
  const failing = release.targets.filter((t) => FAILING.includes(t.state));
  const firstFailed = release.targets.find((t) => t.state === 'failed');
  const failedEnd = ['failed', 'aborted', 'interrupted'].includes(release.state);
  const tail = failedEnd ? await logTailOf(db, release.id, firstFailed) : { failedStage: null, logTail: [] };
  const startedAt = release.startedAt?.toISOString() ?? null;
  const finishedAt = release.finishedAt?.toISOString() ?? null;
  return {
    kind: 'release',
    releaseId: release.id,
    releaseKind: release.kind,
    groupId: release.project.groupId,
    projectId: release.projectId,
    environmentId: release.environmentId,
    group: release.project.group.name,
    project: release.project.name,
    environment: release.environment.name,
    ref: release.ref,
    commit: release.commit,
    description: release.description,
    creator: release.createdBy,
    pusher: release.delivery?.pusher ?? null,
    origin: release.deliveryId ? 'webhook' : origin,
    reviewer: release.approvedBy?.displayName ?? null,
    reviewComment: release.reviewComment,
    state: release.state,
    startedAt,
    finishedAt,
    durationMs: release.startedAt && release.finishedAt ? release.finishedAt.getTime() - release.startedAt.getTime() : null,
    counts,
    total: release.targets.length,
    failingHosts: failing.slice(0, MAX_FAILING_HOSTS).map((t) => ({ name: t.server.name, host: t.server.host, state: t.state, stage: t.stage, error: t.error })),
    ...tail,
    error: release.error,
  };
}

const text = (raw: unknown) => (typeof raw === 'string' ? raw : '');

/** A service alarm's subject as `recordServiceAlarm` stored it. */
export function serviceFacts(subject: unknown): ServiceFacts | null {
  const o = (typeof subject === 'object' && subject !== null ? subject : {}) as Record<string, unknown>;
  if (typeof o.groupId !== 'string') return null;
  return {
    kind: 'service',
    groupId: o.groupId,
    projectId: typeof o.projectId === 'string' ? o.projectId : null,
    environmentId: typeof o.environmentId === 'string' ? o.environmentId : null,
    environment: typeof o.environment === 'string' ? o.environment : null,
    service: text(o.service),
    server: text(o.server),
    detail: text(o.detail),
  };
}
