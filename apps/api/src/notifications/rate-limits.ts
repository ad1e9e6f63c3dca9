import type { NotificationKind } from '@rp/contract/notifications';

/**
 * Messages per minute a robot accepts before it refuses or mutes the sender: DingTalk 20 per robot, WeCom 20,
 * Feishu 100. Mail and generic webhooks have no such limit of their own.
 */
export const PER_MINUTE: Record<NotificationKind, number | null> = { dingtalk: 20, wecom: 20, feishu: 100, email: null, webhook: null };
export const RATE_WINDOW_MS = 60_000;
/** At most this many messages go into one digest (a robot's message has a size limit too); the rest wait. */
export const DIGEST_MAX = 20;
