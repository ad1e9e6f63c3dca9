import type { Case, Who } from './matrix.js';
import type { TestApp } from './test-app.js';

const readers: Who[] = ['admin', 'owner', 'developer', 'viewer'];
const managers: Who[] = ['admin', 'owner'];
const rand = () => Math.random().toString(36).slice(2, 10);

const environment = async (t: TestApp, groupId: string) => {
  const project = await t.db.project.create({ data: { groupId, name: `p-${rand()}`, gitUrl: 'https://git.example.com/app.git', preset: 'shell' } });
  const rollout = { strategy: 'serial', concurrency: 1, batches: [], betweenBatches: { mode: 'manual' }, failure: { tolerate: 0 }, autoRollback: true };
  return t.db.environment.create({ data: { projectId: project.id, name: `e-${rand()}`, deployPath: '/srv/app', rollout } });
};

/** Permission rows of the host status and monitoring settings routes, for the permission matrix. */
export const monitoringRows: Record<string, Case> = {
  'GET /api/environments/:id/status': { allowed: readers, request: async ({ t, groupId }) => ({ url: `/api/environments/${(await environment(t, groupId)).id}/status` }) },
  'GET /api/environments/:id/status/changes': {
    allowed: readers,
    request: async ({ t, groupId }) => ({ url: `/api/environments/${(await environment(t, groupId)).id}/status/changes` }),
  },
  'PATCH /api/environments/:id/monitor': {
    allowed: managers,
    request: async ({ t, groupId }) => ({ url: `/api/environments/${(await environment(t, groupId)).id}/monitor`, payload: { intervalSeconds: 60 } }),
  },
};
