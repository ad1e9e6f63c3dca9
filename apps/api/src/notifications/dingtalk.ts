import ChatBot from 'dingtalk-robot-sender';
import type { DingtalkSecret, DingtalkSettings } from '@rp/contract/notifications';
import { codeOf, judge, post, type HttpAnswer } from './http-post.js';
import { unique, type NotificationMessage, type SendOptions, type SendResult } from './message.js';

/**
 * A DingTalk group robot: a markdown message, signed (加签: `timestamp` and `sign` in the query) when the robot has a
 * secret. The package signs and builds the request; our client sends it, so the timeout is ours. DingTalk answers
 * HTTP 200 with `errcode` ≠ 0 for a bad sign, a missing keyword or too many messages: that is a failure.
 */
export async function sendDingtalk(settings: DingtalkSettings, secret: DingtalkSecret, message: NotificationMessage, { timeoutMs }: SendOptions): Promise<SendResult> {
  const httpclient = { request: (url: string, options: { headers: Record<string, string>; data: string }) => post(url, options.data, options.headers, timeoutMs) };
  // The package appends `&timestamp=…&sign=…`, which needs a query to append to.
  const webhook = secret.signSecret && !secret.webhookUrl.includes('?') ? `${secret.webhookUrl}?` : secret.webhookUrl;
  const bot = new ChatBot<HttpAnswer>({ webhook, secret: secret.signSecret, httpclient });
  const mobiles = unique([...(settings.atMobiles ?? []), ...(message.mentions?.mobiles ?? [])]);
  let text = message.markdown;
  // With the "custom keyword" security setting DingTalk refuses a message without the keyword.
  if (settings.keyword && !text.includes(settings.keyword) && !message.title.includes(settings.keyword)) text += `\n\n${settings.keyword}`;
  // A mobile is highlighted only when `@mobile` also appears in the text.
  if (mobiles.length > 0) text += `\n\n${mobiles.map((m) => `@${m}`).join(' ')}`;
  const answer = await bot.markdown(message.title, text, { atMobiles: mobiles, isAtAll: settings.atAll === true });
  return judge(answer, (json) => codeOf(json, 'errcode') === 0);
}
