import type {
  AlertRuleQuery,
  AlertRuleView,
  CreateAlertRuleBody,
  MessagePreview,
  MessagePreviewQuery,
  NotificationDeliveryQuery,
  NotificationDeliveryView,
  NotificationPreferences,
  PersonalChannelList,
  UpdateAlertRuleBody,
  UpdateNotificationPreferencesBody,
} from '@rp/contract/alerts';
import { http, query } from './http';
import type { ListQuery, Page } from './types';

export type {
  CreateAlertRuleBody,
  MessagePreview,
  NotificationPreferences,
  UpdateAlertRuleBody,
  UpdateNotificationPreferencesBody,
} from '@rp/contract/alerts';
/** The contract's plain values, from its schema-free module (the schema module stays out of the bundle). */
export {
  ALERT_EVENTS,
  DELIVERY_STATES,
  FAILURE_EVENTS,
  MESSAGE_LOCALES,
  type AlertEvent,
  type DeliveryState,
  type MessageLocale,
} from '@rp/contract/rules';
export type AlertRule = AlertRuleView;
export type NotificationDelivery = NotificationDeliveryView;
export type PersonalChannel = PersonalChannelList[number];

const rule = (id: string) => `/alert-rules/${encodeURIComponent(id)}`;

export function listAlertRules(params: ListQuery<AlertRuleQuery> = {}): Promise<Page<AlertRule>> {
  return http.get(`/alert-rules${query({ ...params })}`);
}

export function getAlertRule(id: string): Promise<AlertRule> {
  return http.get(rule(id));
}

/** The body names exactly one of groupId, projectId, environmentId: the rule's scope, which never changes after. */
export function createAlertRule(body: CreateAlertRuleBody): Promise<AlertRule> {
  return http.post('/alert-rules', body);
}

export function updateAlertRule(id: string, body: UpdateAlertRuleBody): Promise<AlertRule> {
  return http.patch(rule(id), body);
}

export function deleteAlertRule(id: string): Promise<void> {
  return http.delete(rule(id));
}

/** Newest first. */
export function listNotificationDeliveries(params: ListQuery<NotificationDeliveryQuery> = {}): Promise<Page<NotificationDelivery>> {
  return http.get(`/notification-deliveries${query({ ...params })}`);
}

/** Queues a failed or uncertain delivery to be sent once more; the API refuses any other state. */
export function resendNotificationDelivery(id: string): Promise<NotificationDelivery> {
  return http.post(`/notification-deliveries/${encodeURIComponent(id)}/resend`, {});
}

export function getNotificationPreferences(): Promise<NotificationPreferences> {
  return http.get('/me/notification-preferences');
}

export function updateNotificationPreferences(body: UpdateNotificationPreferencesBody): Promise<NotificationPreferences> {
  return http.put('/me/notification-preferences', body);
}

/** E-mail and DingTalk channels of the user's groups and the global ones. */
export function listPersonalChannels(): Promise<PersonalChannelList> {
  return http.get('/me/notification-channels');
}

/** A message rendered from sample facts, as a channel of `kind` would receive it. */
export function previewMessage(params: MessagePreviewQuery): Promise<MessagePreview> {
  return http.get(`/notification-previews${query({ ...params })}`);
}
