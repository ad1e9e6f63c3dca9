import type {
  CreateNotificationChannelBody,
  NotificationChannelQuery,
  NotificationChannelView,
  NotificationTestResult,
  UpdateNotificationChannelBody,
} from '@rp/contract/notifications';
import { http, query } from './http';
import type { ListQuery, Page } from './types';

export type { CreateNotificationChannelBody, NotificationTestResult, UpdateNotificationChannelBody } from '@rp/contract/notifications';
export type { NotificationKind } from '@rp/contract/notifications';
/** The contract's kinds, in menu order, from its plain-value module (the schema module stays out of the bundle). */
export { NOTIFICATION_KINDS } from '@rp/contract/rules';
/** Settings and masked hints only: the API keeps robot URLs, signing secrets and passwords as ciphertext. */
export type NotificationChannel = NotificationChannelView;

const one = (id: string) => `/notification-channels/${encodeURIComponent(id)}`;

export function listNotificationChannels(params: ListQuery<NotificationChannelQuery> = {}): Promise<Page<NotificationChannel>> {
  return http.get(`/notification-channels${query({ ...params })}`);
}

export function createNotificationChannel(body: CreateNotificationChannelBody): Promise<NotificationChannel> {
  return http.post('/notification-channels', body);
}

/** Secret parts left out are kept; null removes an optional one. */
export function updateNotificationChannel(id: string, body: UpdateNotificationChannelBody): Promise<NotificationChannel> {
  return http.patch(one(id), body);
}

export function deleteNotificationChannel(id: string): Promise<void> {
  return http.delete(one(id));
}

/** Sends the fixed test message; a refusal by the remote side is `ok: false` with its answer, not an error. */
export function testNotificationChannel(id: string): Promise<NotificationTestResult> {
  return http.post(`${one(id)}/test`, {});
}
