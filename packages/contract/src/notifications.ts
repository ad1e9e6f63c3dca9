import { Type, type Static } from 'typebox';
import { Line, Name, NullableUuid, Timestamps } from './fields.js';
import { Page, PageQuery, Str, Uuid } from './common.js';
import { NOTIFICATION_KINDS } from './rules.js';

export const NotificationKind = Type.Enum(NOTIFICATION_KINDS);

/** No user, query-free host part, no whitespace: https:// (http:// only for the loopback, checked by the API). */
const RobotUrl = (description: string) => Str(2048, { minLength: 1, pattern: '^https?://[^\\s/?#@]+(/[^\\s#]*)?$', description });
const Token = (maxLength: number, pattern = '^\\S+$') => Str(maxLength, { minLength: 1, pattern });
const Mobile = Str(20, { pattern: '^\\+?[0-9][0-9-]{4,19}$' });
const Email = Type.String({ maxLength: 254, format: 'email' });

/** Non-secret settings of each kind, as stored and shown. */
export const DingtalkSettings = Type.Object(
  {
    keyword: Type.Optional(Line(100, { minLength: 1, description: 'the robot\'s "custom keyword" security setting: added to every message that lacks it' })),
    atMobiles: Type.Optional(Type.Array(Mobile, { maxItems: 50, description: 'mobiles @-mentioned in every message' })),
    atAll: Type.Optional(Type.Boolean({ description: '@all in every message' })),
  },
  { additionalProperties: false },
);
export const EmailSettings = Type.Object(
  {
    host: Str(255, { minLength: 1, pattern: '^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$|^\\[?[0-9a-fA-F:.]+\\]?$', description: 'SMTP server host name or address' }),
    port: Type.Integer({ minimum: 1, maximum: 65535 }),
    security: Type.Union([Type.Literal('starttls'), Type.Literal('tls'), Type.Literal('none')], { description: 'tls: TLS from the start (usually 465); starttls: upgrade required (587); none: plain (loopback only with a password)' }),
    user: Type.Optional(Line(254, { minLength: 1 })),
    from: Str(320, { pattern: '^[^\\r\\n<>]*<[^\\s<>@]+@[^\\s<>@]+>$|^[^\\s<>@]+@[^\\s<>@]+$', description: 'sender: addr@example.com or Name <addr@example.com>' }),
    to: Type.Optional(Type.Array(Email, { maxItems: 50, description: 'default recipients (test messages go to them)' })),
  },
  { additionalProperties: false },
);
export const NoSettings = Type.Object({}, { additionalProperties: false });

/** Secret parts of each kind: write-only, stored encrypted as one JSON object. */
export const DingtalkSecret = Type.Object(
  {
    webhookUrl: RobotUrl('https://oapi.dingtalk.com/robot/send?access_token=…'),
    signSecret: Type.Optional(Str(200, { minLength: 4, pattern: '^SEC[0-9A-Za-z]+$', description: 'the "加签" secret (SEC…)' })),
  },
  { additionalProperties: false },
);
export const EmailSecret = Type.Object({ password: Type.Optional(Str(1024, { minLength: 1 })) }, { additionalProperties: false });
export const WecomSecret = Type.Object({ webhookUrl: RobotUrl('https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…') }, { additionalProperties: false });
export const FeishuSecret = Type.Object(
  {
    webhookUrl: RobotUrl('https://open.feishu.cn/open-apis/bot/v2/hook/… (Lark: open.larksuite.com)'),
    signSecret: Type.Optional(Token(200)),
  },
  { additionalProperties: false },
);
export const WebhookSecret = Type.Object(
  {
    url: RobotUrl('where the JSON is POSTed'),
    hmacSecret: Token(200, '^\\S{16,}$'),
  },
  { additionalProperties: false },
);

/** Per kind: what `settings` and `secret` must look like (checked by the API, which names the failing field). */
export const CHANNEL_SCHEMAS = {
  dingtalk: { settings: DingtalkSettings, secret: DingtalkSecret },
  email: { settings: EmailSettings, secret: EmailSecret },
  wecom: { settings: NoSettings, secret: WecomSecret },
  feishu: { settings: NoSettings, secret: FeishuSecret },
  webhook: { settings: NoSettings, secret: WebhookSecret },
} as const;

const AnyObject = (description: string) => Type.Record(Type.String(), Type.Unknown(), { description });

/** What the API shows of a channel: secrets never, only which parts are stored (a URL as its origin). */
export const NotificationChannelView = Type.Object({
  id: Uuid,
  groupId: Type.Union([Uuid, Type.Null()], { description: 'null: a global channel (administrators)' }),
  name: Type.String(),
  kind: NotificationKind,
  settings: AnyObject('the non-secret settings of the kind'),
  secretHints: Type.Record(Type.String(), Type.String(), { description: 'the stored secret parts, masked: URLs as their origin, other values as ******' }),
  lastTest: Type.Object({
    at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    ok: Type.Union([Type.Boolean(), Type.Null()]),
    answer: Type.Union([Type.String(), Type.Null()]),
  }),
  ...Timestamps,
});
export const NotificationChannelPage = Page(NotificationChannelView);

export const NotificationChannelQuery = Type.Object(
  {
    ...PageQuery,
    q: Type.Optional(Line(100)),
    groupId: Type.Optional(Uuid),
    global: Type.Optional(Type.Boolean({ description: 'only global channels (true) or only group ones (false)' })),
    kind: Type.Optional(NotificationKind),
  },
  { additionalProperties: false },
);

export const CreateNotificationChannelBody = Type.Object(
  {
    groupId: Type.Optional(NullableUuid),
    name: Name(100),
    kind: NotificationKind,
    settings: Type.Optional(AnyObject('per kind: DingtalkSettings, EmailSettings; none for wecom, feishu, webhook')),
    secret: AnyObject('per kind: DingtalkSecret, EmailSecret, WecomSecret, FeishuSecret, WebhookSecret; write-only'),
  },
  { additionalProperties: false },
);

export const UpdateNotificationChannelBody = Type.Object(
  {
    name: Type.Optional(Name(100)),
    settings: Type.Optional(AnyObject('replaces the settings as a whole')),
    secret: Type.Optional(
      Type.Record(Type.String(), Type.Union([Type.String({ maxLength: 2048 }), Type.Null()]), {
        description: 'secret parts to replace; an omitted part keeps the stored one, null removes an optional one',
      }),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const NotificationTestResult = Type.Object({
  ok: Type.Boolean(),
  answer: Type.String({ description: 'what the remote side said (secrets masked), at most 2,000 characters' }),
  at: Type.String({ format: 'date-time' }),
});

export type NotificationKind = Static<typeof NotificationKind>;
export type DingtalkSettings = Static<typeof DingtalkSettings>;
export type EmailSettings = Static<typeof EmailSettings>;
export type DingtalkSecret = Static<typeof DingtalkSecret>;
export type EmailSecret = Static<typeof EmailSecret>;
export type WecomSecret = Static<typeof WecomSecret>;
export type FeishuSecret = Static<typeof FeishuSecret>;
export type WebhookSecret = Static<typeof WebhookSecret>;
export type NotificationChannelView = Static<typeof NotificationChannelView>;
export type NotificationChannelPage = Static<typeof NotificationChannelPage>;
export type NotificationChannelQuery = Static<typeof NotificationChannelQuery>;
export type CreateNotificationChannelBody = Static<typeof CreateNotificationChannelBody>;
export type UpdateNotificationChannelBody = Static<typeof UpdateNotificationChannelBody>;
export type NotificationTestResult = Static<typeof NotificationTestResult>;
