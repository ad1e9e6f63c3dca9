import { handshake, type Case, type Who } from './matrix.js';
import type { TestApp } from './test-app.js';

const readers: Who[] = ['admin', 'owner', 'developer', 'viewer'];
const developers: Who[] = ['admin', 'owner', 'developer'];
const rand = () => Math.random().toString(36).slice(2, 10);

/**
 * A supervised project's environment with one server, in the database directly. The server has no pinned host key,
 * so an operation answers (ok false) without connecting anywhere: the rows test who may ask, not SSH.
 */
async function environment(t: TestApp, groupId: string) {
  const credential = await t.db.credential.create({
    data: { groupId, name: `key-${rand()}`, kind: 'ssh_key', secret: t.app.secrets.encrypt('not a usable key'), publicKey: 'ssh-ed25519 AAAA', fingerprint: 'SHA256:x' },
  });
  const server = await t.db.server.create({ data: { groupId, name: `srv-${rand()}`, host: '127.0.0.1', port: 1, username: 'deploy', credentialId: credential.id } });
  const project = await t.db.project.create({
    data: { groupId, name: `p-${rand()}`, gitUrl: 'file:///nonexistent', preset: 'shell', service: { manager: 'supervisor', command: 'exec ./app' } },
  });
  const env = await t.db.environment.create({
    data: { projectId: project.id, name: `e-${rand()}`, deployPath: '/srv/app', rollout: { strategy: 'parallel', concurrency: 5 }, servers: { create: [{ serverId: server.id }] } },
  });
  return { env, project, server };
}

/** Permission rows of the service preview and the per-host and per-environment service operations. */
export const supervisionRows: Record<string, Case> = {
  'GET /api/projects/:id/service-preview': {
    allowed: readers,
    request: async ({ t, groupId }) => {
      const { env, project } = await environment(t, groupId);
      return { url: `/api/projects/${project.id}/service-preview?environmentId=${env.id}` };
    },
  },
  'POST /api/environments/:id/servers/:serverId/service/status': {
    allowed: developers,
    request: async ({ t, groupId }) => {
      const { env, server } = await environment(t, groupId);
      return { url: `/api/environments/${env.id}/servers/${server.id}/service/status` };
    },
  },
  'POST /api/environments/:id/servers/:serverId/service/:action': {
    allowed: developers,
    request: async ({ t, groupId }) => {
      const { env, server } = await environment(t, groupId);
      return { url: `/api/environments/${env.id}/servers/${server.id}/service/restart` };
    },
  },
  'GET /api/environments/:id/servers/:serverId/service/logs': {
    allowed: developers,
    request: async ({ t, groupId }) => {
      const { env, server } = await environment(t, groupId);
      return { url: `/api/environments/${env.id}/servers/${server.id}/service/logs?lines=10` };
    },
  },
  'GET /ws/environments/:id/servers/:serverId/service/logs': {
    allowed: developers,
    request: async ({ t, groupId }) => {
      const { env, server } = await environment(t, groupId);
      return { url: `/ws/environments/${env.id}/servers/${server.id}/service/logs?lines=10` };
    },
    send: handshake,
  },
  'POST /api/environments/:id/service/:action': {
    allowed: developers,
    request: async ({ t, groupId }) => ({ url: `/api/environments/${(await environment(t, groupId)).env.id}/service/stop` }),
  },
};
