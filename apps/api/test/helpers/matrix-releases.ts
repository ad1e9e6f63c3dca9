import type { ReleaseState } from '../../src/generated/prisma/enums.js';
import { everyone, handshake, type Case, type Who } from './matrix.js';
import type { TestApp } from './test-app.js';

const readers: Who[] = ['admin', 'owner', 'developer', 'viewer'];
const developers: Who[] = ['admin', 'owner', 'developer'];
const managers: Who[] = ['admin', 'owner'];
const rand = () => Math.random().toString(36).slice(2, 10);

/** An environment with one server, in the database directly: the routes under test must not be their own setup. */
async function environment(t: TestApp, groupId: string, gitUrl: string) {
  const credential = await t.db.credential.create({
    data: { groupId, name: `key-${rand()}`, kind: 'ssh_key', secret: t.app.secrets.encrypt('not a usable key'), publicKey: 'ssh-ed25519 AAAA', fingerprint: 'SHA256:x' },
  });
  const server = await t.db.server.create({ data: { groupId, name: `srv-${rand()}`, host: '127.0.0.1', port: 1, username: 'deploy', credentialId: credential.id } });
  const project = await t.db.project.create({ data: { groupId, name: `p-${rand()}`, gitUrl, preset: 'shell' } });
  const env = await t.db.environment.create({
    data: { projectId: project.id, name: `e-${rand()}`, deployPath: '/srv/app', rollout: { strategy: 'parallel', concurrency: 5 }, servers: { create: [{ serverId: server.id }] } },
  });
  return { env, project, server };
}

/** A release in a given state, created by a separate user, so "approver ≠ creator" never masks a permission result. */
async function release(t: TestApp, groupId: string, state: ReleaseState) {
  const { env, project, server } = await environment(t, groupId, 'file:///nonexistent');
  const creator = await t.createUser({ groupId, role: 'developer' });
  return t.db.release.create({
    data: {
      projectId: project.id,
      environmentId: env.id,
      state,
      ref: 'main',
      commit: 'a'.repeat(40),
      rollout: { strategy: 'parallel' },
      createdById: creator.id,
      targets: { create: [{ serverId: server.id, state: state === 'succeeded' ? 'succeeded' : 'pending' }] },
    },
  });
}

/** An environment whose owner has issued a trigger token. */
async function withTrigger(t: TestApp, groupId: string, gitUrl: string) {
  const { env } = await environment(t, groupId, gitUrl);
  const owner = await t.createUser({ groupId, role: 'owner' });
  const issued = await t.call(owner.token, { method: 'POST', url: `/api/environments/${env.id}/trigger-token`, payload: { defaultRef: 'main' } });
  return { envId: env.id, token: issued.json().token as string };
}

const on = (state: ReleaseState, path = '') => async ({ t, groupId }: { t: TestApp; groupId: string }) => ({
  url: `/api/releases/${(await release(t, groupId, state)).id}${path}`,
});

export const releaseRows = (gitUrl: () => string): Record<string, Case> => ({
  'GET /api/releases': { allowed: everyone, request: async () => ({ url: '/api/releases' }) },
  'POST /api/releases': {
    allowed: developers,
    request: async ({ t, groupId }) => ({ url: '/api/releases', payload: { environmentId: (await environment(t, groupId, gitUrl())).env.id, ref: 'main' } }),
  },
  'POST /api/releases/dry-run': {
    allowed: developers,
    request: async ({ t, groupId }) => ({ url: '/api/releases/dry-run', payload: { environmentId: (await environment(t, groupId, gitUrl())).env.id, ref: 'main' } }),
  },
  'GET /api/releases/:id': { allowed: readers, request: on('queued') },
  'GET /api/releases/:id/settings-changes': { allowed: readers, request: on('failed', '/settings-changes') },
  'POST /api/releases/:id/approve': { allowed: managers, request: async (ctx) => ({ ...(await on('pending_approval', '/approve')(ctx)), payload: {} }) },
  'POST /api/releases/:id/reject': { allowed: managers, request: async (ctx) => ({ ...(await on('pending_approval', '/reject')(ctx)), payload: { comment: 'no' } }) },
  'POST /api/releases/:id/start': { allowed: developers, request: on('approved', '/start') },
  'POST /api/releases/:id/cancel': { allowed: developers, request: on('queued', '/cancel') },
  'POST /api/releases/:id/continue': { allowed: developers, request: on('paused', '/continue') },
  'POST /api/releases/:id/abort': { allowed: developers, request: on('running', '/abort') },
  'POST /api/releases/:id/retry': { allowed: developers, request: on('failed', '/retry') },
  'POST /api/releases/:id/move': { allowed: managers, request: async (ctx) => ({ ...(await on('queued', '/move')(ctx)), payload: {} }) },
  'POST /api/releases/:id/rollback': { allowed: developers, request: async (ctx) => ({ ...(await on('succeeded', '/rollback')(ctx)), payload: {} }) },
  'POST /api/environments/:id/servers': {
    allowed: managers,
    request: async ({ t, groupId }) => {
      const { env, server } = await environment(t, groupId, gitUrl());
      const added = await t.db.server.create({ data: { groupId, name: `srv-${rand()}`, host: '127.0.0.1', port: 1, username: 'deploy', credentialId: server.credentialId } });
      return { url: `/api/environments/${env.id}/servers`, payload: { serverIds: [added.id] } };
    },
  },
  'DELETE /api/environments/:id/servers/:serverId': {
    allowed: managers,
    request: async ({ t, groupId }) => {
      const { env, server } = await environment(t, groupId, gitUrl());
      return { url: `/api/environments/${env.id}/servers/${server.id}` };
    },
  },
  'GET /api/releases/:id/logs': { allowed: readers, request: on('running', '/logs') },
  'GET /api/releases/:id/logs.txt': { allowed: readers, request: on('running', '/logs.txt') },
  'GET /ws/releases/:id': { allowed: readers, request: on('running'), send: handshake },
  'POST /api/ws-ticket': { allowed: everyone, request: async () => ({ url: '/api/ws-ticket' }) },
  'GET /api/stats/releases': { allowed: everyone, request: async () => ({ url: '/api/stats/releases' }) },
  'GET /api/stats/setup': { allowed: everyone, request: async () => ({ url: '/api/stats/setup' }) },
  'GET /api/stats/environment-versions': { allowed: everyone, request: async () => ({ url: '/api/stats/environment-versions' }) },
  'GET /api/versions/overview': { allowed: everyone, request: async () => ({ url: '/api/versions/overview' }) },
  'GET /api/environments/:id/versions': { allowed: readers, request: async ({ t, groupId }) => ({ url: `/api/environments/${(await environment(t, groupId, gitUrl())).env.id}/versions` }) },
  'GET /api/environments/:id/changes': { allowed: readers, request: async ({ t, groupId }) => ({ url: `/api/environments/${(await environment(t, groupId, gitUrl())).env.id}/changes?ref=main` }) },
  'GET /api/environments/:id/trigger-token': { allowed: managers, request: async ({ t, groupId }) => ({ url: `/api/environments/${(await withTrigger(t, groupId, gitUrl())).envId}/trigger-token` }) },
  'POST /api/environments/:id/trigger-token': {
    allowed: managers,
    request: async ({ t, groupId }) => ({ url: `/api/environments/${(await environment(t, groupId, gitUrl())).env.id}/trigger-token`, payload: { defaultRef: 'main' } }),
  },
  'DELETE /api/environments/:id/trigger-token': { allowed: managers, request: async ({ t, groupId }) => ({ url: `/api/environments/${(await withTrigger(t, groupId, gitUrl())).envId}/trigger-token` }) },
  // Public: the trigger token is the credential, and it works for every caller (or none) alike.
  'POST /api/trigger/:token': { allowed: everyone, request: async ({ t, groupId }) => ({ url: `/api/trigger/${(await withTrigger(t, groupId, gitUrl())).token}`, payload: {} }) },
});
