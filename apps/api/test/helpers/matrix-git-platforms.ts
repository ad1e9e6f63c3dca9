import { everyone, type Case, type Who } from './matrix.js';
import type { TestApp } from './test-app.js';

const readers: Who[] = ['admin', 'owner', 'developer', 'viewer'];
const managers: Who[] = ['admin', 'owner'];
const rand = () => Math.random().toString(36).slice(2, 10);

/** A token credential bound to a host that does not resolve, so a connection test ends at once with ok: false. */
const token = (t: TestApp, groupId: string) =>
  t.db.credential.create({ data: { groupId, name: `tok-${rand()}`, kind: 'git_token', secret: t.app.secrets.encrypt('glpat-matrix'), boundHost: 'gitlab.invalid' } });

async function platform(t: TestApp, groupId: string) {
  const credential = await token(t, groupId);
  return t.db.gitPlatform.create({ data: { groupId, name: `gl-${rand()}`, kind: 'gitlab', baseUrl: 'https://gitlab.invalid', credentialId: credential.id } });
}

/** Permission rows of the Git platform routes, for the permission matrix. */
export const gitPlatformRows: Record<string, Case> = {
  'GET /api/git-platforms': { allowed: everyone, request: async () => ({ url: '/api/git-platforms' }) },
  'POST /api/git-platforms': {
    allowed: managers,
    request: async ({ t, groupId }) => ({
      url: '/api/git-platforms',
      payload: { groupId, name: `gl-${rand()}`, kind: 'gitlab', baseUrl: 'https://gitlab.invalid', credentialId: (await token(t, groupId)).id },
    }),
  },
  'GET /api/git-platforms/:id': { allowed: readers, request: async ({ t, groupId }) => ({ url: `/api/git-platforms/${(await platform(t, groupId)).id}` }) },
  'PATCH /api/git-platforms/:id': {
    allowed: managers,
    request: async ({ t, groupId }) => ({ url: `/api/git-platforms/${(await platform(t, groupId)).id}`, payload: { name: `renamed-${rand()}` } }),
  },
  'DELETE /api/git-platforms/:id': { allowed: managers, request: async ({ t, groupId }) => ({ url: `/api/git-platforms/${(await platform(t, groupId)).id}` }) },
  'POST /api/git-platforms/:id/test': { allowed: managers, request: async ({ t, groupId }) => ({ url: `/api/git-platforms/${(await platform(t, groupId)).id}/test` }) },
  'POST /api/git-platforms/:id/sync': { allowed: managers, request: async ({ t, groupId }) => ({ url: `/api/git-platforms/${(await platform(t, groupId)).id}/sync`, payload: {} }) },
  'GET /api/git-platforms/:id/projects': { allowed: readers, request: async ({ t, groupId }) => ({ url: `/api/git-platforms/${(await platform(t, groupId)).id}/projects` }) },
};
