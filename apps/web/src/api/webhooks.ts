import type { DeliveryPage, DeliveryView, WebhookStatus } from '@rp/contract/webhooks';
import { http, query } from './http';
import type { PageQuery } from './types';

export type { DeliveryView, WebhookStatus } from '@rp/contract/webhooks';
export type WebhookDelivery = DeliveryView;
export type WebhookHook = NonNullable<WebhookStatus['hook']>;
export type WebhookLeftover = WebhookStatus['leftovers'][number];

const hook = (projectId: string) => `/projects/${encodeURIComponent(projectId)}/webhook`;

/** The platform's hook on the linked GitLab project, as the platform and GitLab each know it (GitLab is asked). */
export function getWebhook(projectId: string): Promise<WebhookStatus> {
  return http.get(hook(projectId));
}

/** Adds the hook on GitLab; 409 without PUBLIC_URL, for an unlinked project, or when one exists. */
export function addWebhook(projectId: string): Promise<WebhookStatus> {
  return http.post(hook(projectId));
}

/** Removes the hook from GitLab and forgets it. */
export function removeWebhook(projectId: string): Promise<void> {
  return http.delete(hook(projectId));
}

/** Removes a hook on GitLab that points at this platform but that it does not know. */
export function removeLeftoverWebhook(projectId: string, remoteHookId: string): Promise<void> {
  return http.delete(`${hook(projectId)}/leftovers/${encodeURIComponent(remoteHookId)}`);
}

/** Deliveries GitLab made to the hook, newest first. */
export function listWebhookDeliveries(projectId: string, params: PageQuery = {}): Promise<DeliveryPage> {
  return http.get(`${hook(projectId)}/deliveries${query({ ...params })}`);
}
