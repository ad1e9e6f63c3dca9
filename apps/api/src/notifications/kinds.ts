import { Value } from 'typebox/value';
import type { TSchema } from 'typebox';
import {
  CHANNEL_SCHEMAS,
  type DingtalkSecret,
  type DingtalkSettings,
  type EmailSecret,
  type EmailSettings,
  type FeishuSecret,
  type NotificationKind,
  type WebhookSecret,
  type WecomSecret,
} from '@rp/contract/notifications';
import { Invalid } from '../shared/errors.js';

type NoSettings = Record<string, never>;

/** A channel as the senders use it: its kind, settings and decrypted secret, all checked against the kind's schema. */
export type ChannelConfig =
  | { kind: 'dingtalk'; settings: DingtalkSettings; secret: DingtalkSecret }
  | { kind: 'email'; settings: EmailSettings; secret: EmailSecret }
  | { kind: 'wecom'; settings: NoSettings; secret: WecomSecret }
  | { kind: 'feishu'; settings: NoSettings; secret: FeishuSecret }
  | { kind: 'webhook'; settings: NoSettings; secret: WebhookSecret };

/** The first field `value` gets wrong, as a 400 naming it (`body.settings.port`); never the value itself, a secret maybe. */
function check(schema: TSchema, value: unknown, part: 'settings' | 'secret'): void {
  const [first] = Value.Errors(schema, value);
  if (!first) return;
  const params = first.params as { requiredProperties?: string[]; additionalProperties?: string[] };
  const path = first.instancePath.replace(/^\//, '').replaceAll('/', '.');
  const [field, message] =
    first.keyword === 'required'
      ? [[path, params.requiredProperties?.[0]].filter(Boolean).join('.'), 'is required']
      : first.keyword === 'additionalProperties'
        ? [[path, params.additionalProperties?.[0]].filter(Boolean).join('.'), 'is not an allowed field']
        : first.keyword === 'boolean'
          ? [path, 'is not an allowed field']
          : [path, first.message];
  throw new Invalid(['body', part, field].filter(Boolean).join('.'), message);
}

/** Settings and secret of a new or changed channel, checked strictly against its kind (400 naming the field). */
export function checkedConfig(kind: NotificationKind, settings: unknown, secret: unknown): ChannelConfig {
  const schemas = CHANNEL_SCHEMAS[kind];
  check(schemas.settings, settings, 'settings');
  check(schemas.secret, secret, 'secret');
  return { kind, settings, secret } as ChannelConfig;
}

/** URLs of a channel's secret: the places its messages go, each checked against the address policy. */
export function targetUrls(config: ChannelConfig): { field: string; url: string }[] {
  if (config.kind === 'email') return [];
  if (config.kind === 'webhook') return [{ field: 'url', url: config.secret.url }];
  return [{ field: 'webhookUrl', url: config.secret.webhookUrl }];
}

/**
 * What the API shows of a secret: which parts are stored; a URL as its origin (where messages go, not the token in
 * its path or query), anything else not at all.
 */
export function secretHints(secret: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(secret).map(([key, value]) => [key, typeof value === 'string' && /^https?:\/\//.test(value) && URL.canParse(value) ? `${new URL(value).origin}/…` : '******']),
  );
}
