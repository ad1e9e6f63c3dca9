import { createHmac } from 'node:crypto';
import type { FeishuSecret } from '@rp/contract/notifications';
import { codeOf, judge, post } from './http-post.js';
import type { NotificationMessage, SendOptions, SendResult } from './message.js';

/** Feishu's signature: base64 of HMAC-SHA256 keyed with `timestamp + "\n" + secret` over an empty message. */
export const feishuSign = (timestamp: string, secret: string) => createHmac('sha256', `${timestamp}\n${secret}`).update('').digest('base64');

/**
 * A Feishu / Lark group robot: an interactive card with the markdown, signed with `timestamp` (seconds) and `sign`
 * in the body when the robot has a secret. It answers `code` (older robots `StatusCode`) ≠ 0 on failure.
 */
export async function sendFeishu(secret: FeishuSecret, message: NotificationMessage, { timeoutMs }: SendOptions): Promise<SendResult> {
  const emails = message.mentions?.emails ?? [];
  const mentions = emails.length > 0 ? `\n\n${emails.map((e) => `<at email=${e}></at>`).join(' ')}` : '';
  const card = {
    header: { title: { tag: 'plain_text', content: message.title } },
    elements: [{ tag: 'markdown', content: message.markdown + mentions }],
  };
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = secret.signSecret ? { timestamp, sign: feishuSign(timestamp, secret.signSecret) } : {};
  const body = JSON.stringify({ ...signature, msg_type: 'interactive', card });
  return judge(await post(secret.webhookUrl, body, { 'content-type': 'application/json' }, timeoutMs), (json) => {
    const code = codeOf(json, 'code') ?? codeOf(json, 'StatusCode');
    return code === 0 && (codeOf(json, 'StatusCode') ?? 0) === 0;
  });
}
