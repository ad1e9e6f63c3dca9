import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Robot } from './robot.js';

/** An internal tool receiving the generic webhook (POST /hook): checks X-Signature-256 over the raw body and X-Timestamp. */
export function webhookReceiver(o: { hmacSecret: string }): Robot {
  return {
    path: '/hook',
    handle(_url, headers, raw) {
      const signature = Buffer.from(String(headers['x-signature-256'] ?? ''));
      const expected = Buffer.from(`sha256=${createHmac('sha256', o.hmacSecret).update(raw).digest('hex')}`);
      if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) return { status: 401, body: { error: 'bad signature' } };
      const body = JSON.parse(raw) as { event?: unknown; title?: unknown; text?: unknown; timestamp?: unknown };
      if (String(body.timestamp) !== headers['x-timestamp']) return { status: 400, body: { error: 'timestamp mismatch' } };
      if (typeof body.event !== 'string' || typeof body.title !== 'string' || typeof body.text !== 'string') return { status: 422, body: { error: 'missing event, title or text' } };
      return { status: 200, body: { received: true } };
    },
  };
}
