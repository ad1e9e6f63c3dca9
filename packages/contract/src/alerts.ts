import { Type, type Static } from 'typebox';
import { Line, Name, Timestamps } from './fields.js';
import { Nullable, Page, PageQuery, Str, Uuid } from './common.js';
import { ALERT_EVENTS, DELIVERY_STATES, MESSAGE_LOCALES } from './rules.js';
import { NotificationKind } from './notifications.js';

export const AlertEventName = Type.Enum(ALERT_EVENTS);
export const MessageLocale = Type.Enum(MESSAGE_LOCALES);
export const DeliveryState = Type.Enum(DELIVERY_STATES);
const Email = Type.String({ maxLength: 254, format: 'email' });
export const Mobile = Str(20, { pattern: '^\\+?[0-9][0-9-]{4,19}$', description: 'a DingTalk account\'s mobile, as @-mentioned' });
const EnvironmentPattern = Str(128, { minLength: 1, pattern: '^[A-Za-z0-9._*?-]+$', description: 'glob on the environment name, e.g. prod*' });
const Ref = Type.Object({ id: Uuid, name: Type.String() });

export const AlertRuleView = Type.Object({
  id: Uuid,
  name: Type.String(),
  scope: Type.Object({
    kind: Type.Union([Type.Literal('group'), Type.Literal('project'), Type.Literal('environment')]),
    groupId: Uuid,
    projectId: Nullable(Uuid),
    environmentId: Nullable(Uuid),
    /** "group", "group/project" or "group/project/environment" */
    label: Type.String(),
  }),
  enabled: Type.Boolean(),
  events: Type.Array(AlertEventName),
  onlyFailures: Type.Boolean(),
  environmentPattern: Nullable(Type.String()),
  locale: MessageLocale,
  channels: Type.Array(Type.Object({ id: Uuid, name: Type.String(), kind: NotificationKind })),
  recipients: Type.Object({
    users: Type.Array(Type.Object({ id: Uuid, username: Type.String(), displayName: Type.String() })),
    emails: Type.Array(Type.String()),
  }),
  ...Timestamps,
});
export const AlertRulePage = Page(AlertRuleView);

export const AlertRuleQuery = Type.Object(
  {
    ...PageQuery,
    q: Type.Optional(Line(100)),
    groupId: Type.Optional(Uuid),
    projectId: Type.Optional(Uuid),
    environmentId: Type.Optional(Uuid),
  },
  { additionalProperties: false },
);

const RuleFields = {
  name: Name(100),
  // No schema default: ajv would fill it into every PATCH and quietly re-enable a disabled rule.
  enabled: Type.Optional(Type.Boolean({ description: 'true when omitted at creation' })),
  events: Type.Array(AlertEventName, { minItems: 1, uniqueItems: true, maxItems: ALERT_EVENTS.length }),
  onlyFailures: Type.Optional(Type.Boolean({ description: 'keep only failed, rolled back, aborted, interrupted and service down' })),
  environmentPattern: Type.Optional(Nullable(EnvironmentPattern)),
  locale: Type.Optional(MessageLocale),
  channelIds: Type.Array(Uuid, { minItems: 1, maxItems: 20, uniqueItems: true, description: 'channels of the rule\'s group, or global ones' }),
  recipients: Type.Optional(
    Type.Object(
      {
        userIds: Type.Optional(Type.Array(Uuid, { maxItems: 100, uniqueItems: true, description: 'mailed at their e-mail, @-mentioned by their DingTalk mobile' })),
        emails: Type.Optional(Type.Array(Email, { maxItems: 100, uniqueItems: true })),
      },
      { additionalProperties: false },
    ),
  ),
};

/** Exactly one of groupId, projectId, environmentId: the scope, fixed once created. */
export const CreateAlertRuleBody = Type.Object(
  { ...RuleFields, groupId: Type.Optional(Uuid), projectId: Type.Optional(Uuid), environmentId: Type.Optional(Uuid) },
  { additionalProperties: false },
);
export const UpdateAlertRuleBody = Type.Partial(Type.Object(RuleFields, { additionalProperties: false }), { additionalProperties: false, minProperties: 1 });

export const NotificationDeliveryView = Type.Object({
  id: Type.String({ description: 'a decimal number, in order of creation' }),
  state: DeliveryState,
  attempts: Type.Integer(),
  nextAttemptAt: Type.String({ format: 'date-time' }),
  lastError: Nullable(Type.String()),
  answer: Nullable(Type.String({ description: 'what the remote side said, secrets masked' })),
  mergedIntoId: Nullable(Type.String()),
  sentAt: Nullable(Type.String({ format: 'date-time' })),
  createdAt: Type.String({ format: 'date-time' }),
  event: Type.Object({
    id: Type.String(),
    type: AlertEventName,
    releaseId: Nullable(Uuid),
    summary: Type.String({ description: 'the project, environment and ref (or service) the event is about' }),
    at: Type.String({ format: 'date-time' }),
  }),
  channel: Type.Object({ id: Uuid, name: Type.String(), kind: NotificationKind, groupId: Type.Union([Uuid, Type.Null()], { description: 'null: a global channel' }) }),
  rule: Nullable(Ref),
  /** Set for a personal subscription's message. */
  user: Nullable(Type.Object({ id: Uuid, username: Type.String() })),
  recipients: Type.Object({ mobiles: Type.Array(Type.String()), emails: Type.Array(Type.String()) }),
});
export const NotificationDeliveryPage = Page(NotificationDeliveryView);
export const NotificationDeliveryQuery = Type.Object(
  {
    ...PageQuery,
    channelId: Type.Optional(Uuid),
    ruleId: Type.Optional(Uuid),
    releaseId: Type.Optional(Uuid),
    state: Type.Optional(DeliveryState),
  },
  { additionalProperties: false },
);
export const DeliveryIdParams = Type.Object({ id: Str(19, { minLength: 1, pattern: '^[1-9][0-9]{0,18}$' }) }, { additionalProperties: false });

/** A message rendered from sample facts, as the channel kind would show it. */
export const MessagePreviewQuery = Type.Object(
  { kind: NotificationKind, event: AlertEventName, locale: Type.Optional(MessageLocale) },
  { additionalProperties: false },
);
export const MessagePreview = Type.Object({
  kind: NotificationKind,
  title: Type.String(),
  format: Type.Union([Type.Literal('markdown'), Type.Literal('text'), Type.Literal('html'), Type.Literal('json')]),
  body: Type.String({ description: 'what the channel receives: markdown (DingTalk, WeCom), text (Feishu), HTML (e-mail), JSON (webhook)' }),
});

/** The signed-in user's own notification settings. */
export const NotificationPreferences = Type.Object({
  email: Nullable(Type.String({ description: 'from the profile; e-mail channels send here' })),
  dingtalkMobile: Nullable(Mobile),
  channelId: Nullable(Uuid),
  myReleases: Type.Boolean({ description: 'every state change of a release I created' }),
  awaitingMyApproval: Type.Boolean({ description: 'a release waiting for me to approve it' }),
  locale: MessageLocale,
});
export const UpdateNotificationPreferencesBody = Type.Object(
  {
    dingtalkMobile: Type.Optional(Nullable(Mobile)),
    channelId: Type.Optional(Nullable(Uuid)),
    myReleases: Type.Optional(Type.Boolean()),
    awaitingMyApproval: Type.Optional(Type.Boolean()),
    locale: Type.Optional(MessageLocale),
  },
  { additionalProperties: false, minProperties: 1 },
);
/** The channels a user may pick for personal messages: e-mail and DingTalk channels of their groups and global ones. */
export const PersonalChannelList = Type.Array(Type.Object({ id: Uuid, name: Type.String(), kind: NotificationKind, groupId: Nullable(Uuid) }));

export type AlertRuleView = Static<typeof AlertRuleView>;
export type AlertRulePage = Static<typeof AlertRulePage>;
export type AlertRuleQuery = Static<typeof AlertRuleQuery>;
export type CreateAlertRuleBody = Static<typeof CreateAlertRuleBody>;
export type UpdateAlertRuleBody = Static<typeof UpdateAlertRuleBody>;
export type NotificationDeliveryView = Static<typeof NotificationDeliveryView>;
export type NotificationDeliveryPage = Static<typeof NotificationDeliveryPage>;
export type NotificationDeliveryQuery = Static<typeof NotificationDeliveryQuery>;
export type MessagePreviewQuery = Static<typeof MessagePreviewQuery>;
export type MessagePreview = Static<typeof MessagePreview>;
export type NotificationPreferences = Static<typeof NotificationPreferences>;
export type UpdateNotificationPreferencesBody = Static<typeof UpdateNotificationPreferencesBody>;
export type PersonalChannelList = Static<typeof PersonalChannelList>;
