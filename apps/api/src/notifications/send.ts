import type { PrivateHosts } from '../projects/git-policy.js';
import { sendDingtalk } from './dingtalk.js';
import { sendEmail } from './email.js';
import { sendFeishu } from './feishu.js';
import type { ChannelConfig } from './kinds.js';
import { maskAnswer } from './mask.js';
import type { NotificationMessage, SendOptions, SendResult } from './message.js';
import { channelTargetProblem } from './target-policy.js';
import { sendWebhook } from './webhook.js';
import { sendWecom } from './wecom.js';

function deliver(channel: ChannelConfig, message: NotificationMessage, options: SendOptions): Promise<SendResult> {
  switch (channel.kind) {
    case 'dingtalk':
      return sendDingtalk(channel.settings, channel.secret, message, options);
    case 'email':
      return sendEmail(channel.settings, channel.secret, message, options);
    case 'wecom':
      return sendWecom(channel.secret, message, options);
    case 'feishu':
      return sendFeishu(channel.secret, message, options);
    case 'webhook':
      return sendWebhook(channel.secret, message, options);
  }
}

/**
 * Sends one message to one channel and says what the remote side answered. A refusal, an error code, a timeout or a
 * dead server is `ok: false` with the answer, never an exception (those are programming errors only). The answer
 * never holds a secret of the channel.
 */
export async function sendToChannel(channel: ChannelConfig, message: NotificationMessage, options: SendOptions & { privateHosts: PrivateHosts }): Promise<SendResult> {
  const secrets = Object.values(channel.secret).filter((v): v is string => typeof v === 'string');
  // DNS may have changed since the channel was saved.
  const refused = await channelTargetProblem(channel, options.privateHosts);
  if (refused) return { ok: false, answer: maskAnswer(`refused: ${refused.field} ${refused.problem}`, secrets) };
  const result = await deliver(channel, message, { timeoutMs: options.timeoutMs });
  return { ok: result.ok, answer: maskAnswer(result.answer, secrets) };
}
