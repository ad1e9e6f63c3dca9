import type { AlertEvent, MessageLocale } from '@rp/contract/rules';
import type { DbTx } from '../shared/db.js';
import type { EventFacts } from './facts.js';
import { logAttachment } from './log-attachment.js';
import type { NotificationMessage } from './message.js';
import { releaseLink, renderDigest, renderEvent } from './templates/render.js';

/** A delivery as the sender needs it: its event's type and facts, language and recipients. */
export interface QueuedDelivery {
  id: bigint;
  /** Set for a personal subscription's message. */
  userId: string | null;
  locale: string;
  emails: string[];
  mobiles: string[];
  event: { type: string; facts: unknown };
}

const FINAL_EVENTS: readonly AlertEvent[] = ['succeeded', 'failed', 'rolled_back', 'aborted', 'interrupted'];
const TOO_LARGE = { 'zh-CN': '日志过大，未作为附件发送，请在发布详情页查看完整日志', en: 'The log is too large to attach; read it whole on the release page' };

const localeOf = (d: QueuedDelivery) => (d.locale === 'en' ? 'en' : 'zh-CN') as MessageLocale;

function rendered(d: QueuedDelivery, publicUrl: string | null) {
  return renderEvent(d.event.type as AlertEvent, d.event.facts as EventFacts, { locale: localeOf(d), publicUrl });
}

/**
 * One delivery's message: rendered in its language, its recipients as mentions, the facts as data for webhooks, and
 * for an e-mail about a finished release the log attached (or, when too large, a note pointing to the release page).
 */
export async function deliveryMessage(db: DbTx, d: QueuedDelivery, { kind, publicUrl }: { kind: string; publicUrl: string | null }): Promise<NotificationMessage> {
  const message: NotificationMessage = { ...rendered(d, publicUrl), mentions: { emails: d.emails, mobiles: d.mobiles }, data: d.event.facts, idempotencyKey: `delivery-${d.id}`, personal: d.userId !== null };
  const facts = d.event.facts as EventFacts;
  if (kind !== 'email' || facts.kind !== 'release' || !FINAL_EVENTS.includes(d.event.type as AlertEvent)) return message;
  const attachment = await logAttachment(db, facts.releaseId);
  if (attachment) return { ...message, attachments: [attachment] };
  const note = TOO_LARGE[localeOf(d)];
  const link = releaseLink(publicUrl, facts.releaseId);
  return { ...message, text: `${message.text}\n${note}${link ? `: ${link}` : ''}\n`, html: `${message.html}\n<p>${note}</p>` };
}

/** Several deliveries of one channel as one message (rate limit): each in full, in order, all their recipients. */
export function digestMessage(deliveries: QueuedDelivery[], publicUrl: string | null): NotificationMessage {
  const messages = deliveries.map((d) => rendered(d, publicUrl));
  return {
    ...renderDigest(messages, localeOf(deliveries[0]!)),
    mentions: { emails: [...new Set(deliveries.flatMap((d) => d.emails))], mobiles: [...new Set(deliveries.flatMap((d) => d.mobiles))] },
    data: deliveries.map((d) => ({ event: d.event.type, facts: d.event.facts })),
    idempotencyKey: `delivery-${deliveries[0]!.id}`,
  };
}
