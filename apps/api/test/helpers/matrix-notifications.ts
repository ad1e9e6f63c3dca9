import { everyone, type Case, type Who } from './matrix.js';
import type { TestApp } from './test-app.js';

const readers: Who[] = ['admin', 'owner', 'developer', 'viewer'];
const managers: Who[] = ['admin', 'owner'];
const rand = () => Math.random().toString(36).slice(2, 10);

/** A webhook to a host that does not resolve, so a test message ends at once with ok: false. */
const secret = { url: 'https://notify.invalid/hook', hmacSecret: 'matrix-hmac-secret-0123' };

const channel = (t: TestApp, groupId: string) =>
  t.db.notificationChannel.create({ data: { groupId, name: `ch-${rand()}`, kind: 'webhook', settings: {}, secret: t.app.secrets.encrypt(JSON.stringify(secret)) } });

/** Permission rows of the notification channel routes, for the permission matrix. */
export const notificationRows: Record<string, Case> = {
  'GET /api/notification-channels': { allowed: everyone, request: async () => ({ url: '/api/notification-channels' }) },
  'POST /api/notification-channels': {
    allowed: managers,
    request: async ({ groupId }) => ({ url: '/api/notification-channels', payload: { groupId, name: `ch-${rand()}`, kind: 'webhook', secret } }),
  },
  'GET /api/notification-channels/:id': { allowed: readers, request: async ({ t, groupId }) => ({ url: `/api/notification-channels/${(await channel(t, groupId)).id}` }) },
  'PATCH /api/notification-channels/:id': {
    allowed: managers,
    request: async ({ t, groupId }) => ({ url: `/api/notification-channels/${(await channel(t, groupId)).id}`, payload: { name: `renamed-${rand()}` } }),
  },
  'DELETE /api/notification-channels/:id': { allowed: managers, request: async ({ t, groupId }) => ({ url: `/api/notification-channels/${(await channel(t, groupId)).id}` }) },
  'POST /api/notification-channels/:id/test': { allowed: managers, request: async ({ t, groupId }) => ({ url: `/api/notification-channels/${(await channel(t, groupId)).id}/test` }) },
};
