import { createHmac } from 'node:crypto';
import type { WebhookSecret } from '@rp/contract/notifications';
import { judge, post } from './http-post.js';
import type { NotificationMessage, SendOptions, SendResult } from './message.js';

/** `sha256=` and the hex HMAC-SHA256 of the raw body with the channel's secret, as GitHub signs its webhooks. */
export const webhookSignature = (body: string, secret: string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

/** The JSON a webhook receives; the timestamp is inside, so the signature covers it. */
export function webhookPayload(message: NotificationMessage, timestamp: number) {
  return {
    event: message.event ?? 'notification',
    ...(message.idempotencyKey ? { id: message.idempotencyKey } : {}),
    title: message.title,
    text: message.text,
    markdown: message.markdown,
    ...(message.data === undefined ? {} : { data: message.data }),
    mentions: message.mentions ?? { mobiles: [], emails: [] },
    timestamp,
  };
}

/**
 * A generic HTTPS webhook for other internal tools: the message as JSON, signed in `X-Signature-256`. The timestamp
 * is in the signed body as well as in `X-Timestamp`, so a receiver can refuse replays; `Idempotency-Key` (and `id`)
 * is the delivery's, the same on every attempt, so a receiver can drop a repeat. Any 2xx is success.
 */
export async function sendWebhook(secret: WebhookSecret, message: NotificationMessage, { timeoutMs }: SendOptions): Promise<SendResult> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const body = JSON.stringify(webhookPayload(message, Number(timestamp)));
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-signature-256': webhookSignature(body, secret.hmacSecret), 'x-timestamp': timestamp };
  if (message.idempotencyKey) headers['idempotency-key'] = message.idempotencyKey;
  return judge(await post(secret.url, body, headers, timeoutMs), () => true);
}
