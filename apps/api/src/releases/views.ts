import type { RolloutSpec } from '@rp/contract/rollout';
import type { Prisma } from '../generated/prisma/client.js';
import type { DbTx } from '../shared/db.js';
import { NotFound } from '../shared/errors.js';
import { plannedBatches } from './planned-batches.js';
import { releaseProgress } from './progress.js';

/**
 * A release's own fields and names (`summary-sql.ts` selects the same for the list and a release's page); not the
 * artifact record the worker keeps for retries.
 */
const summary = {
  omit: { artifact: true },
  include: {
    project: { select: { name: true, groupId: true } },
    environment: { select: { name: true } },
    createdBy: { select: { username: true } },
    approvedBy: { select: { username: true } },
  },
} as const satisfies Pick<Prisma.ReleaseFindManyArgs, 'omit' | 'include'>;

const full = {
  omit: summary.omit,
  include: { ...summary.include, targets: { include: { server: { select: { name: true, host: true, port: true } } }, orderBy: { server: { name: 'asc' } } } },
} as const satisfies Pick<Prisma.ReleaseFindManyArgs, 'omit' | 'include'>;

type SummaryRow = Prisma.ReleaseGetPayload<typeof summary>;
type ReleaseRow = Prisma.ReleaseGetPayload<typeof full>;
const iso = (d: Date | null) => d?.toISOString() ?? null;

function toSummaryView(r: SummaryRow) {
  return {
    id: r.id,
    number: r.number,
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
  };
}

function toReleaseView(r: ReleaseRow) {
  return {
    ...toSummaryView(r),
    targets: r.targets.map((t) => ({
      serverId: t.serverId,
      serverName: t.server.name,
      host: t.server.host,
      port: t.server.port,
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

/** Reads take a client or a transaction: actions return the release as their own transaction left it. */
interface ReadDeps {
  db: DbTx;
}

export async function getRelease({ db }: ReadDeps, { id }: { id: string }) {
  const release = await db.release.findUnique({ where: { id }, ...full });
  if (!release) throw new NotFound('Release');
  const view = toReleaseView(release);
  return { ...view, plannedBatches: plannedBatches(view.rollout, view.targets), progress: await releaseProgress({ db }, release) };
}

function toEventView(e: { seq: number; at: Date; type: string; stage: string | null; target: string | null; stream: string | null; text: string | null; data: Prisma.JsonValue }) {
  return { seq: e.seq, at: e.at.toISOString(), type: e.type, stage: e.stage, target: e.target, stream: e.stream, text: e.text, data: e.data };
}

export async function listEvents({ db }: ReadDeps, { id, since, limit }: { id: string; since: number; limit: number }) {
  const release = await db.release.findUnique({ where: { id }, select: { lastSeq: true } });
  if (!release) throw new NotFound('Release');
  const rows = await db.releaseEvent.findMany({ where: { releaseId: id, seq: { gt: since } }, orderBy: { seq: 'asc' }, take: limit + 1 });
  const more = rows.length > limit;
  return { events: rows.slice(0, limit).map(toEventView), lastSeq: release.lastSeq, more };
}

/** The whole log as a text download, servers named rather than numbered. */
export async function logText({ db }: ReadDeps, { id }: { id: string }): Promise<string> {
  const names = new Map((await getRelease({ db }, { id })).targets.map((t) => [t.serverId, t.serverName]));
  let since = 0;
  const lines: string[] = [];
  for (;;) {
    const page = await listEvents({ db }, { id, since, limit: 10_000 });
    for (const e of page.events) {
      if (e.type === 'log') lines.push(`${e.at} [${e.stage ?? '-'}${e.target ? `@${names.get(e.target) ?? e.target}` : ''}] ${e.stream === 'stderr' ? '! ' : ''}${e.text ?? ''}`);
      else lines.push(`${e.at} -- ${e.type}${e.stage ? ` ${e.stage}` : ''}${e.target ? `@${names.get(e.target) ?? e.target}` : ''}`);
    }
    since = page.events.at(-1)?.seq ?? since;
    if (!page.more) break;
  }
  return lines.join('\n') + '\n';
}
