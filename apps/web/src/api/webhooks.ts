import type { DeliveryPage, DeliveryView, WebhookKind, WebhookStatus } from '@rp/contract/webhooks';
import { http, query } from './http';
import type { PageQuery } from './types';

export type { DeliveryView, WebhookKind, WebhookStatus } from '@rp/contract/webhooks';
export type WebhookDelivery = DeliveryView;
export type WebhookHook = NonNullable<WebhookStatus['hook']>;
export type WebhookLeftover = WebhookStatus['leftovers'][number];

const hook = (projectId: string) => `/projects/${encodeURIComponent(projectId)}/webhook`;

/** The project's hook as the platform knows it, and for a linked GitLab project as GitLab does (GitLab is asked). */
export function getWebhook(projectId: string): Promise<WebhookStatus> {
  return http.get(hook(projectId));
}

/**
 * Adds the hook: through GitLab's API for a linked GitLab project, otherwise one set up by hand, whose answer carries
 * the secret this once. 409 without PUBLIC_URL or when one exists.
 */
export function addWebhook(projectId: string, kind?: WebhookKind): Promise<WebhookStatus> {
  return http.post(hook(projectId), kind ? { kind } : undefined);
}

/** Removes the hook from GitLab when the platform added it there, and forgets it. */
export function removeWebhook(projectId: string): Promise<void> {
  return http.delete(hook(projectId));
}

/** Removes a hook on GitLab that points at this platform but that it does not know. */
export function removeLeftoverWebhook(projectId: string, remoteHookId: string): Promise<void> {
  return http.delete(`${hook(projectId)}/leftovers/${encodeURIComponent(remoteHookId)}`);
}

/** Deliveries the Git platform made to the hook, newest first. */
export function listWebhookDeliveries(projectId: string, params: PageQuery = {}): Promise<DeliveryPage> {
  return http.get(`${hook(projectId)}/deliveries${query({ ...params })}`);
}

/** Evaluates a delivery again against today's rules, as a new delivery that may create releases. */
export function replayWebhookDelivery(projectId: string, deliveryId: string): Promise<DeliveryView> {
  return http.post(`${hook(projectId)}/deliveries/${encodeURIComponent(deliveryId)}/replay`);
}
