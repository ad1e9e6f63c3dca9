import { everyone, type Case, type Who } from './matrix.js';
import type { TestApp } from './test-app.js';

const readers: Who[] = ['admin', 'owner', 'developer', 'viewer'];
const managers: Who[] = ['admin', 'owner'];
const rand = () => Math.random().toString(36).slice(2, 10);

const channel = (t: TestApp, groupId: string) =>
  t.db.notificationChannel.create({
    data: { groupId, name: `ch-${rand()}`, kind: 'webhook', settings: {}, secret: t.app.secrets.encrypt(JSON.stringify({ url: 'https://notify.invalid/hook', hmacSecret: 'matrix-hmac-secret-0123' })) },
  });

const rule = async (t: TestApp, groupId: string) =>
  t.db.alertRule.create({ data: { groupId, name: `rule-${rand()}`, events: ['failed'], channels: { create: [{ channelId: (await channel(t, groupId)).id }] } } });

/** A service alarm's delivery through a channel of the group that failed: what "send again" is for. */
const failedDelivery = async (t: TestApp, groupId: string) => {
  const { id: channelId } = await channel(t, groupId);
  const event = await t.db.notificationEvent.create({ data: { type: 'service_down', subject: { groupId, service: 'app', server: 'web-1' } } });
  return t.db.notificationDelivery.create({ data: { eventId: event.id, channelId, dedupeKey: `${event.id}:${channelId}:matrix`, state: 'failed', attempts: 5 } });
};

/** Permission rows of the alert rule, delivery log, personal preference and preview routes, for the permission matrix. */
export const alertRows: Record<string, Case> = {
  'GET /api/alert-rules': { allowed: everyone, request: async () => ({ url: '/api/alert-rules' }) },
  'POST /api/alert-rules': {
    allowed: managers,
    request: async ({ t, groupId }) => ({ url: '/api/alert-rules', payload: { groupId, name: `rule-${rand()}`, events: ['failed'], channelIds: [(await channel(t, groupId)).id] } }),
  },
  'GET /api/alert-rules/:id': { allowed: readers, request: async ({ t, groupId }) => ({ url: `/api/alert-rules/${(await rule(t, groupId)).id}` }) },
  'PATCH /api/alert-rules/:id': { allowed: managers, request: async ({ t, groupId }) => ({ url: `/api/alert-rules/${(await rule(t, groupId)).id}`, payload: { enabled: false } }) },
  'DELETE /api/alert-rules/:id': { allowed: managers, request: async ({ t, groupId }) => ({ url: `/api/alert-rules/${(await rule(t, groupId)).id}` }) },
  'GET /api/notification-deliveries': { allowed: everyone, request: async () => ({ url: '/api/notification-deliveries' }) },
  'POST /api/notification-deliveries/:id/resend': {
    allowed: managers,
    request: async ({ t, groupId }) => ({ url: `/api/notification-deliveries/${(await failedDelivery(t, groupId)).id}/resend` }),
  },
  'GET /api/me/notification-preferences': { allowed: everyone, request: async () => ({ url: '/api/me/notification-preferences' }) },
  'PUT /api/me/notification-preferences': { allowed: everyone, request: async () => ({ url: '/api/me/notification-preferences', payload: { locale: 'en' } }) },
  'GET /api/me/notification-channels': { allowed: everyone, request: async () => ({ url: '/api/me/notification-channels' }) },
  'GET /api/notification-previews': { allowed: everyone, request: async () => ({ url: '/api/notification-previews?kind=dingtalk&event=failed&locale=en' }) },
};
