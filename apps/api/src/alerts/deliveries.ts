import type { NotificationDeliveryPage, NotificationDeliveryQuery, NotificationDeliveryView } from '@rp/contract/alerts';
import type { NotificationKind } from '@rp/contract/notifications';
import type { AlertEvent, DeliveryState } from '@rp/contract/rules';
import type { Prisma } from '../generated/prisma/client.js';
import { recordAudit } from '../audit/service.js';
import { notifyOutbox } from '../channels.js';
import type { Actor, RequestContext } from '../plugins/app/auth/actor.js';
import type { Db, DbTx } from '../shared/db.js';
import { Conflict, NotFound } from '../shared/errors.js';
import { pageArgs } from '../shared/pagination.js';
import { deliveryKey } from './scope.js';

const deliveryInclude = {
  event: { include: { release: { select: { ref: true, project: { select: { name: true } }, environment: { select: { name: true } } } } } },
  channel: { select: { id: true, name: true, kind: true, groupId: true } },
  rule: { select: { id: true, name: true } },
} as const satisfies Prisma.NotificationDeliveryInclude;

type DeliveryRow = Prisma.NotificationDeliveryGetPayload<{ include: typeof deliveryInclude }>;
type UserRef = { id: string; username: string };

/** Only these are sent again on request: the others are on their way, done, or folded into a digest. */
const RESENDABLE: DeliveryState[] = ['failed', 'uncertain'];

const text = (value: unknown) => (typeof value === 'string' && value.trim() ? value.trim() : null);

/** One line naming what the event is about; a service alarm's subject is read leniently, as older rows may lack parts. */
function summaryOf(event: DeliveryRow['event']): string {
  const { release } = event;
  if (release) return `${release.project.name} / ${release.environment.name} · ${release.ref}`;
  const subject = (typeof event.subject === 'object' && event.subject !== null ? event.subject : {}) as Record<string, unknown>;
  const parts = [text(subject.service), text(subject.server)].filter((part) => part !== null);
  return parts.length ? parts.join(' @ ') : event.type;
}

function view(row: DeliveryRow, users: ReadonlyMap<string, UserRef>): NotificationDeliveryView {
  return {
    id: row.id.toString(),
    state: row.state as DeliveryState,
    attempts: row.attempts,
    nextAttemptAt: row.nextAttemptAt.toISOString(),
    lastError: row.lastError,
    answer: row.answer,
    mergedIntoId: row.mergedIntoId?.toString() ?? null,
    sentAt: row.sentAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    event: { id: row.eventId.toString(), type: row.event.type as AlertEvent, releaseId: row.event.releaseId, summary: summaryOf(row.event), at: row.event.createdAt.toISOString() },
    channel: { ...row.channel, kind: row.channel.kind as NotificationKind },
    rule: row.rule,
    user: row.userId ? (users.get(row.userId) ?? null) : null,
    recipients: { mobiles: row.mobiles, emails: row.emails },
  };
}

async function views(db: DbTx, rows: DeliveryRow[]): Promise<NotificationDeliveryView[]> {
  const ids = [...new Set(rows.flatMap((row) => (row.userId ? [row.userId] : [])))];
  const users = ids.length ? await db.user.findMany({ where: { id: { in: ids } }, select: { id: true, username: true } }) : [];
  const byId = new Map(users.map((user) => [user.id, user]));
  return rows.map((row) => view(row, byId));
}

/**
 * Who may read a delivery: members of the channel's group, members of the group the event is about (a release's
 * project, or a service alarm's group), and the user a personal message was for.
 */
function visibleTo(actor: Actor): Prisma.NotificationDeliveryWhereInput {
  const groupIds = [...actor.roles.keys()];
  return {
    OR: [
      { channel: { groupId: { in: groupIds } } },
      { event: { release: { project: { groupId: { in: groupIds } } } } },
      ...groupIds.map((groupId) => ({ event: { releaseId: null, subject: { path: ['groupId'], equals: groupId } } })),
      { userId: actor.userId },
    ],
  };
}

/** The delivery log, newest first. */
export async function listDeliveries({ db, actor }: { db: Db; actor: Actor }, query: NotificationDeliveryQuery): Promise<NotificationDeliveryPage> {
  const filter: Prisma.NotificationDeliveryWhereInput = {
    channelId: query.channelId,
    ruleId: query.ruleId,
    state: query.state,
    event: query.releaseId ? { releaseId: query.releaseId } : undefined,
  };
  const where: Prisma.NotificationDeliveryWhereInput = actor.isAdmin ? filter : { AND: [visibleTo(actor), filter] };
  const [rows, total] = await Promise.all([
    db.notificationDelivery.findMany({ where, include: deliveryInclude, orderBy: { id: 'desc' }, ...pageArgs(query.page, query.pageSize) }),
    db.notificationDelivery.count({ where }),
  ]);
  return { items: await views(db, rows), total, page: query.page, pageSize: query.pageSize };
}

/**
 * "Send again": a failed or uncertain delivery goes back to the queue as new. An uncertain one may have arrived
 * already, which is why only a person asks for it; the notifier is woken on commit.
 */
export async function resendDelivery({ db, ctx }: { db: Db; ctx: RequestContext }, { id }: { id: string }): Promise<NotificationDeliveryView> {
  const key = deliveryKey(id);
  if (key === null) throw new NotFound('Notification delivery');
  return db.$transaction(async (tx) => {
    const before = await tx.notificationDelivery.findUnique({ where: { id: key }, select: { state: true } });
    if (!before) throw new NotFound('Notification delivery');
    // Conditional on the state, so a notifier that picked the row up meanwhile is not overridden.
    const reset = await tx.notificationDelivery.updateMany({
      where: { id: key, state: { in: RESENDABLE } },
      data: { state: 'pending', attempts: 0, nextAttemptAt: new Date(), mergedIntoId: null },
    });
    if (reset.count === 0) {
      throw new Conflict(`This delivery is ${before.state}; only a failed or uncertain one can be sent again`, { state: before.state });
    }
    await notifyOutbox(tx);
    const row = await tx.notificationDelivery.findUniqueOrThrow({ where: { id: key }, include: deliveryInclude });
    await recordAudit(tx, ctx, {
      action: 'notification_delivery.resend',
      resourceType: 'notification_delivery',
      resourceId: id,
      details: { previousState: before.state, channelId: row.channelId, eventId: row.eventId.toString(), type: row.event.type },
    });
    const [only] = await views(tx, [row]);
    return only as NotificationDeliveryView;
  });
}
