import type { WecomSecret } from '@rp/contract/notifications';
import { codeOf, judge, post } from './http-post.js';
import type { NotificationMessage, SendOptions, SendResult } from './message.js';

/** WeCom refuses markdown content over 4,096 bytes (errcode 40058). */
const MAX_CONTENT_BYTES = 4096;

function fit(text: string): string {
  if (Buffer.byteLength(text) <= MAX_CONTENT_BYTES) return text;
  let cut = text.slice(0, MAX_CONTENT_BYTES);
  while (Buffer.byteLength(`${cut}…`) > MAX_CONTENT_BYTES) cut = cut.slice(0, -1);
  return `${cut}…`;
}

/** A WeCom (企业微信) group robot: a markdown message; it answers HTTP 200 with `errcode` ≠ 0 on failure. */
export async function sendWecom(secret: WecomSecret, message: NotificationMessage, { timeoutMs }: SendOptions): Promise<SendResult> {
  const body = JSON.stringify({ msgtype: 'markdown', markdown: { content: fit(message.markdown) } });
  return judge(await post(secret.webhookUrl, body, { 'content-type': 'application/json' }, timeoutMs), (json) => codeOf(json, 'errcode') === 0);
}
