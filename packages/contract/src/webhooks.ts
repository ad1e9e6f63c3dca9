import { Type, type Static } from 'typebox';
import { Page, PageQuery, Uuid } from './common.js';

const Time = Type.String({ format: 'date-time' });
const NullableTime = Type.Union([Time, Type.Null()]);

/**
 * What became of one delivery: it released to at least one environment; nothing applied (the reason says why); or a
 * rule matched but the environment refused the release (approval rights, ref rule, windows — the reason names them).
 */
export const DeliveryOutcome = Type.Union([Type.Literal('released'), Type.Literal('ignored'), Type.Literal('refused')]);

/** Who sends to a webhook. */
export const WebhookKind = Type.Union([Type.Literal('gitlab'), Type.Literal('github'), Type.Literal('gitee')]);

export const DeliveryView = Type.Object({
  id: Uuid,
  receivedAt: Time,
  /** The sender's event header, e.g. GitLab's "Push Hook", GitHub's "push". */
  event: Type.String(),
  deliveryUuid: Type.Union([Type.String(), Type.Null()], { description: 'X-Gitlab-Event-UUID / X-GitHub-Delivery / X-Gitee-Delivery: a redelivery carries the same one' }),
  trigger: Type.Union([Type.Literal('push'), Type.Literal('tag_push'), Type.Literal('pipeline'), Type.Null()], { description: 'null: an event the platform does not release on' }),
  /** Branch or tag name, without refs/heads/ or refs/tags/. */
  ref: Type.Union([Type.String(), Type.Null()]),
  refKind: Type.Union([Type.Literal('branch'), Type.Literal('tag'), Type.Null()]),
  commit: Type.Union([Type.String(), Type.Null()]),
  /** The head commit's message. */
  message: Type.Union([Type.String(), Type.Null()]),
  pusher: Type.Union([Type.String(), Type.Null()]),
  outcome: DeliveryOutcome,
  /** Per environment: which rule matched, or why not; or why the delivery was ignored as a whole. */
  reason: Type.String(),
  releases: Type.Array(Type.Object({ id: Uuid, environmentId: Uuid, environmentName: Type.String(), state: Type.String() })),
  /** Set on a replay: the delivery it replays and the owner who pressed it. */
  replayOfId: Type.Union([Uuid, Type.Null()]),
  replayedBy: Type.Union([Type.String(), Type.Null()]),
});
export const DeliveryPage = Page(DeliveryView);
export const DeliveryQuery = Type.Object({ ...PageQuery }, { additionalProperties: false });

/**
 * The project's webhook as the platform and the Git platform each know it. A linked GitLab project's hook is added
 * through GitLab's API; any other (GitHub, Gitee, or GitLab without a linked platform) is added by hand in the Git
 * platform's settings with the URL and secret the platform shows once.
 */
export const WebhookStatus = Type.Object({
  /** PUBLIC_URL: the address the Git platform posts to; null when it is not set (no hook can be added then). */
  publicUrl: Type.Union([Type.String(), Type.Null()]),
  /** Whether the project is linked to a project on a GitLab platform (import): then the hook is managed through its API. */
  linked: Type.Boolean(),
  hook: Type.Union([
    Type.Object({
      id: Uuid,
      kind: WebhookKind,
      url: Type.String(),
      /** GitLab's id of the hook when the platform added it through the API; null for a hook set up by hand. */
      remoteHookId: Type.Union([Type.String(), Type.Null()]),
      /** The owner releases made by its deliveries act as; null when that user is gone (add the hook again). */
      createdBy: Type.Union([Type.String(), Type.Null()]),
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
  /** Only in the answer to adding a hook by hand: the secret to paste into the Git platform's settings, never shown again. */
  secret: Type.Optional(Type.String()),
});

export const AddWebhookBody = Type.Object(
  { kind: Type.Optional(WebhookKind) },
  { additionalProperties: false, description: 'kind defaults to gitlab; a linked GitLab project\'s hook is added through the API, any other is set up by hand' },
);
export const DeliveryParams = Type.Object({ id: Uuid, deliveryId: Uuid }, { additionalProperties: false });

export const LeftoverParams = Type.Object({ id: Uuid, remoteHookId: Type.String({ pattern: '^[1-9][0-9]{0,18}$', maxLength: 19 }) }, { additionalProperties: false });
export const HookParams = Type.Object({ hookId: Uuid }, { additionalProperties: false });
export const ReceiverAnswer = Type.Object({
  outcome: Type.Union([DeliveryOutcome, Type.Literal('duplicate')]),
  reason: Type.String(),
  /** The releases this delivery created (none for a duplicate). */
  releaseIds: Type.Array(Uuid),
});

export type DeliveryView = Static<typeof DeliveryView>;
export type DeliveryPage = Static<typeof DeliveryPage>;
export type WebhookStatus = Static<typeof WebhookStatus>;
export type ReceiverAnswer = Static<typeof ReceiverAnswer>;
export type AddWebhookBody = Static<typeof AddWebhookBody>;
export type WebhookKind = Static<typeof WebhookKind>;
