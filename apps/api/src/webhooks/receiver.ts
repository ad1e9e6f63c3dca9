import { createHash, timingSafeEqual } from 'node:crypto';
import type { ReceiverAnswer } from '@rp/contract/webhooks';
import { Prisma } from '../generated/prisma/client.js';
import type { Db } from '../shared/db.js';
import { NotFound, Unauthorized } from '../shared/errors.js';
import type { SecretBox } from '../shared/secret-box.js';

const ZERO_SHA = /^0{40}$/;

/** Equal secrets, compared in constant time (over digests, so their lengths do not show either). */
function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

const text = (value: unknown, max: number): string | null => (typeof value === 'string' && value.length > 0 ? value.slice(0, max) : null);

interface Reading {
  outcome: 'recorded' | 'ignored';
  reason: string;
  ref: string | null;
  commit: string | null;
  pusher: string | null;
}

/** What a delivery says, read as data only: nothing in a payload is ever run or used as a path. */
function read(event: string, body: Record<string, unknown>): Reading {
  if (event === 'Push Hook' || event === 'Tag Push Hook') {
    const ref = text(body.ref, 1024);
    const after = text(body.after, 64);
    const commit = text(body.checkout_sha, 64) ?? after;
    const pusher = text(body.user_username, 255);
    const base = { ref, commit, pusher };
    if (after && ZERO_SHA.test(after)) return { ...base, outcome: 'ignored', reason: `${event === 'Push Hook' ? 'branch' : 'tag'} deleted` };
    if (event === 'Push Hook' && body.total_commits_count === 0) return { ...base, outcome: 'ignored', reason: 'a push without commits' };
    return { ...base, outcome: 'recorded', reason: 'recorded; no auto-release rule applies' };
  }
  if (event === 'Pipeline Hook') {
    const attributes = (body.object_attributes ?? {}) as Record<string, unknown>;
    const user = (body.user ?? {}) as Record<string, unknown>;
    const status = text(attributes.status, 32) ?? 'unknown';
    return { ref: text(attributes.ref, 1024), commit: text(attributes.sha, 64), pusher: text(user.username, 255), outcome: 'recorded', reason: `pipeline ${status}; no auto-release rule applies` };
  }
  return { ref: null, commit: null, pusher: null, outcome: 'ignored', reason: `${event || 'an event without X-Gitlab-Event'} is not handled` };
}

/**
 * One delivery to `/api/webhooks/gitlab/:hookId`. The secret must match (a wrong or missing one is counted on the hook
 * and answered 401, nothing else stored); a redelivery (the same X-Gitlab-Event-UUID) is answered "duplicate" and
 * stored no second time; every other delivery is recorded with what it said and what became of it.
 */
export async function receiveGitLab(
  { db, secrets }: { db: Db; secrets: SecretBox },
  { hookId, token, event, deliveryUuid, body }: { hookId: string; token: string | undefined; event: string | undefined; deliveryUuid: string | undefined; body: unknown },
): Promise<ReceiverAnswer> {
  const hook = await db.projectWebhook.findUnique({ where: { id: hookId } });
  if (!hook) throw new NotFound('Webhook');
  if (token === undefined || !sameSecret(token, secrets.decrypt(hook.secret))) {
    await db.projectWebhook.update({ where: { id: hookId }, data: { rejected: { increment: 1 }, lastRejectedAt: new Date() } });
    throw new Unauthorized('The X-Gitlab-Token header does not match this webhook\'s secret');
  }
  const payload = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  const reading = read(event ?? '', payload);
  try {
    await db.webhookDelivery.create({ data: { webhookId: hookId, event: (event ?? '').slice(0, 100), deliveryUuid: deliveryUuid?.slice(0, 100) ?? null, ...reading } });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') return { outcome: 'duplicate', reason: 'this delivery was received before' };
    throw error;
  }
  return { outcome: reading.outcome, reason: reading.reason };
}
