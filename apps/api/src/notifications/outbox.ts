import type { AlertEvent } from '@rp/contract/rules';
import type { Transition } from '@rp/contract/release-states';
import { notifyOutbox } from '../channels.js';
import type { Prisma } from '../generated/prisma/client.js';
import type { DbTx } from '../shared/db.js';

/** How a release came to be: a person, a webhook delivery, or a trigger token. */
export type ReleaseOrigin = 'person' | 'webhook' | 'trigger';

/** What a service alarm says (raised by supervision): which service on which server, and why. */
export interface ServiceAlarm {
  type: 'service_down' | 'service_recovered';
  groupId: string;
  projectId?: string;
  environmentId?: string;
  /** The environment's name, matched by rules' environment patterns. */
  environment?: string;
  service: string;
  server: string;
  detail?: string;
}

/**
 * Writes a notification to the outbox inside the caller's transaction: it exists exactly when the change that causes
 * it commits, and a crash before the notifier sends it loses nothing. The NOTIFY wakes the notifier on commit.
 */
async function record(tx: DbTx, data: { type: AlertEvent; releaseId?: string; subject?: Prisma.InputJsonValue }): Promise<void> {
  await tx.notificationEvent.create({ data: { type: data.type, releaseId: data.releaseId ?? null, subject: data.subject ?? {} } });
  await notifyOutbox(tx);
}

/** The events of a new release: created (by whom), and waiting for approval when it starts there. */
export async function recordReleaseCreated(tx: DbTx, release: { id: string; state: string }, origin: ReleaseOrigin): Promise<void> {
  await record(tx, { type: origin === 'person' ? 'created' : 'auto_created', releaseId: release.id, subject: { origin } });
  if (release.state === 'pending_approval') await record(tx, { type: 'awaiting_approval', releaseId: release.id });
}

const EVENT_OF_MOVE: Partial<Record<Transition, AlertEvent>> = {
  approve: 'approved',
  reject: 'rejected',
  claim: 'started',
  pause: 'paused',
  succeed: 'succeeded',
  fail: 'failed',
  abort: 'aborted',
  interrupt: 'interrupted',
};

/**
 * The event of a state move, if it is one people are told about (a queue move, resume or cancel is not). A failure
 * after which servers were switched back is `rolled_back`: the targets are written before the move, in this
 * transaction.
 */
export async function recordMove(tx: DbTx, releaseId: string, action: Transition): Promise<void> {
  const type = EVENT_OF_MOVE[action];
  if (!type) return;
  const rolledBack = type === 'failed' && (await tx.releaseTarget.count({ where: { releaseId, state: 'rolled_back' } })) > 0;
  await record(tx, { type: rolledBack ? 'rolled_back' : type, releaseId });
}

export async function recordServiceAlarm(tx: DbTx, alarm: ServiceAlarm): Promise<void> {
  const { type, ...subject } = alarm;
  await record(tx, { type, subject: subject as unknown as Prisma.InputJsonValue });
}
