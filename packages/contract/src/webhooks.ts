import { Type, type Static } from 'typebox';
import { Page, PageQuery, Uuid } from './common.js';

const Time = Type.String({ format: 'date-time' });
const NullableTime = Type.Union([Time, Type.Null()]);

/** What happened to one delivery: kept for a release decision, or ignored with the reason. */
export const DeliveryOutcome = Type.Union([Type.Literal('recorded'), Type.Literal('ignored')]);

export const DeliveryView = Type.Object({
  id: Uuid,
  receivedAt: Time,
  /** GitLab's X-Gitlab-Event, e.g. "Push Hook". */
  event: Type.String(),
  deliveryUuid: Type.Union([Type.String(), Type.Null()], { description: 'X-Gitlab-Event-UUID: a redelivery carries the same one' }),
  ref: Type.Union([Type.String(), Type.Null()]),
  commit: Type.Union([Type.String(), Type.Null()]),
  pusher: Type.Union([Type.String(), Type.Null()]),
  outcome: DeliveryOutcome,
  reason: Type.String(),
});
export const DeliveryPage = Page(DeliveryView);
export const DeliveryQuery = Type.Object({ ...PageQuery }, { additionalProperties: false });

/** The platform's webhook on the project's GitLab project, as the platform and GitLab each know it. */
export const WebhookStatus = Type.Object({
  /** PUBLIC_URL: the address GitLab posts to; null when it is not set (no hook can be added then). */
  publicUrl: Type.Union([Type.String(), Type.Null()]),
  /** Whether the project is linked to a project on a GitLab platform (import), which webhooks need. */
  linked: Type.Boolean(),
  hook: Type.Union([
    Type.Object({
      id: Uuid,
      url: Type.String(),
      remoteHookId: Type.String(),
      createdAt: Time,
      /** Whether GitLab still has it; null when GitLab could not be asked. */
      onPlatform: Type.Union([Type.Boolean(), Type.Null()]),
      rejected: Type.Integer({ description: 'deliveries refused for a wrong or missing secret' }),
      lastRejectedAt: NullableTime,
      lastDelivery: Type.Union([Type.Object({ receivedAt: Time, event: Type.String(), outcome: DeliveryOutcome }), Type.Null()]),
    }),
    Type.Null(),
  ]),
  /** Hooks on the GitLab project that point at this platform's webhook address but that it does not know (left over). */
  leftovers: Type.Array(Type.Object({ remoteHookId: Type.String(), url: Type.String() })),
  /** Why GitLab could not be asked, or null. */
  platformError: Type.Union([Type.String(), Type.Null()]),
});

export const LeftoverParams = Type.Object({ id: Uuid, remoteHookId: Type.String({ pattern: '^[1-9][0-9]{0,18}$', maxLength: 19 }) }, { additionalProperties: false });
export const HookParams = Type.Object({ hookId: Uuid }, { additionalProperties: false });
export const ReceiverAnswer = Type.Object({ outcome: Type.Union([DeliveryOutcome, Type.Literal('duplicate')]), reason: Type.String() });

export type DeliveryView = Static<typeof DeliveryView>;
export type DeliveryPage = Static<typeof DeliveryPage>;
export type WebhookStatus = Static<typeof WebhookStatus>;
export type ReceiverAnswer = Static<typeof ReceiverAnswer>;
