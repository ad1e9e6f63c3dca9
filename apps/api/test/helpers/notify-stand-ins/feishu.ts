import { createHmac } from 'node:crypto';
import type { Reply, Robot } from './robot.js';

const failure = (code: number, msg: string): Reply => ({ status: 200, body: { code, msg, data: {} } });

/** A Feishu custom robot (POST /open-apis/bot/v2/hook/<id>): checks the hook id, the body signature and the card shape. */
export function feishuRobot(o: { hookId: string; signSecret?: string }): Robot {
  return {
    path: `/open-apis/bot/v2/hook/${o.hookId}`,
    handle(_url, _headers, raw) {
      const body = JSON.parse(raw) as { timestamp?: unknown; sign?: unknown; msg_type?: string; card?: { header?: { title?: { content?: unknown } }; elements?: unknown } };
      if (o.signSecret) {
        const timestamp = String(body.timestamp ?? '');
        const expected = createHmac('sha256', `${timestamp}\n${o.signSecret}`).update('').digest('base64');
        // Seconds, within an hour of Feishu's clock.
        const fresh = Math.abs(Date.now() / 1000 - Number(timestamp)) < 3600;
        if (!fresh || body.sign !== expected) return failure(19021, 'sign match fail or timestamp is not within one hour from current time');
      }
      if (body.msg_type !== 'interactive' || typeof body.card?.header?.title?.content !== 'string' || !Array.isArray(body.card.elements)) return failure(19002, 'params error, msg_type need');
      return { status: 200, body: { StatusCode: 0, StatusMessage: 'success', code: 0, data: {}, msg: 'success' } };
    },
  };
}
