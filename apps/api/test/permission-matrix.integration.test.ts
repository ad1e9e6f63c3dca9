import { createSampleAppRepo, type SampleAppRepo } from '@rp/deploy-engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp, type TestUser } from './helpers/test-app.js';
import { everyone, type Case, type Who } from './helpers/matrix.js';
import { gitPlatformRows } from './helpers/matrix-git-platforms.js';
import { gitHostRows } from './helpers/matrix-git-hosts.js';
import { notificationRows } from './helpers/matrix-notifications.js';
import { alertRows } from './helpers/matrix-alerts.js';
import { supervisionRows } from './helpers/matrix-supervision.js';
import { monitoringRows } from './helpers/matrix-monitoring.js';
import { MATRIX_PUBLIC_URL, webhookRows } from './helpers/matrix-webhooks.js';
import { startGitLabStandIn, type GitLabStandIn } from './helpers/gitlab-stand-in/index.js';
import { releaseRows } from './helpers/matrix-releases.js';

/**
 * Every guarded route × every role. Adding a route without a row here fails the coverage test; a route that loses
 * its permission declaration stops the app from starting, which fails every test in this file.
 */
const readers: Who[] = ['admin', 'owner', 'developer', 'viewer'];
const managers: Who[] = ['admin', 'owner'];
/** A local repository, so the refs route has something real to list. */
let sampleRepo: SampleAppRepo;
/** A GitLab for the webhook routes, which add and remove hooks there. */
let gitlab: GitLabStandIn;
const rand = () => Math.random().toString(36).slice(2, 10);

/** Resources the routes act on, made in the database directly: the route under test must not be its own setup. */
const make = {
  sshKey: (t: TestApp, groupId: string | null) =>
    t.db.credential.create({ data: { groupId, name: `key-${rand()}`, kind: 'ssh_key', secret: t.app.secrets.encrypt('not a usable key'), publicKey: 'ssh-ed25519 AAAA', fingerprint: 'SHA256:x' } }),
  server: async (t: TestApp, groupId: string) => {
    const credential = await make.sshKey(t, groupId);
    // Port 1 on loopback refuses at once, so the connection test answers quickly with ok: false.
    return t.db.server.create({ data: { groupId, name: `srv-${rand()}`, host: '127.0.0.1', port: 1, username: 'deploy', credentialId: credential.id } });
  },
  project: (t: TestApp, groupId: string, gitUrl = 'https://git.example.com/app.git') =>
    t.db.project.create({ data: { groupId, name: `p-${rand()}`, gitUrl, preset: 'shell', hooks: { 'before-release': 'echo hi' } } }),
  template: (t: TestApp, groupId: string) => t.db.hookTemplate.create({ data: { groupId, name: `t-${rand()}`, script: 'echo hi' } }),
  environment: async (t: TestApp, groupId: string) => {
    const project = await make.project(t, groupId);
    const rollout = { strategy: 'serial', concurrency: 1, batches: [], betweenBatches: { mode: 'manual' }, failure: { tolerate: 0 }, autoRollback: true };
    return t.db.environment.create({ data: { projectId: project.id, name: `e-${rand()}`, deployPath: '/srv/app', rollout } });
  },
};

const matrix: Record<string, Case> = {
  'GET /healthz': { allowed: everyone, request: async () => ({ url: '/healthz' }) },
  'GET /readyz': { allowed: everyone, request: async () => ({ url: '/readyz' }) },
  'POST /api/auth/login': {
    allowed: everyone,
    request: async ({ t }) => {
      const user = await t.createUser();
      return { url: '/api/auth/login', payload: { username: user.username, password: user.password } };
    },
  },
  'GET /api/auth/me': { allowed: everyone, request: async () => ({ url: '/api/auth/me' }) },
  'POST /api/auth/logout': { allowed: everyone, request: async () => ({ url: '/api/auth/logout' }) },
  'POST /api/auth/refresh': { allowed: everyone, request: async () => ({ url: '/api/auth/refresh' }) },
  'POST /api/auth/password': {
    allowed: everyone,
    request: async ({ actor }) => ({ url: '/api/auth/password', payload: { currentPassword: actor.password, newPassword: 'a-new-password-1' } }),
  },
  'GET /api/users': { allowed: ['admin'], request: async () => ({ url: '/api/users' }) },
  'POST /api/users': {
    allowed: ['admin'],
    request: async () => ({ url: '/api/users', payload: { username: `new-${Math.random().toString(36).slice(2, 10)}`, password: 'password-123' } }),
  },
  'GET /api/users/:id': { allowed: ['admin'], request: async ({ actor }) => ({ url: `/api/users/${actor.id}` }) },
  'PATCH /api/users/:id': {
    allowed: ['admin'],
    request: async ({ t }) => ({ url: `/api/users/${(await t.createUser()).id}`, payload: { displayName: 'Renamed' } }),
  },
  'DELETE /api/users/:id': { allowed: ['admin'], request: async ({ t }) => ({ url: `/api/users/${(await t.createUser()).id}` }) },
  'POST /api/users/:id/unlock': { allowed: ['admin'], request: async ({ t }) => ({ url: `/api/users/${(await t.createUser()).id}/unlock` }) },
  'GET /api/groups': { allowed: everyone, request: async () => ({ url: '/api/groups' }) },
  'POST /api/groups': { allowed: ['admin'], request: async () => ({ url: '/api/groups', payload: { name: `g-${Math.random().toString(36).slice(2, 10)}` } }) },
  'GET /api/groups/:groupId': { allowed: ['admin', 'owner', 'developer', 'viewer'], request: async ({ groupId }) => ({ url: `/api/groups/${groupId}` }) },
  'PATCH /api/groups/:groupId': {
    allowed: ['admin', 'owner'],
    request: async ({ groupId }) => ({ url: `/api/groups/${groupId}`, payload: { description: `edited ${Date.now()}` } }),
  },
  'DELETE /api/groups/:groupId': { allowed: ['admin'], request: async ({ groupId }) => ({ url: `/api/groups/${groupId}` }) },
  'GET /api/groups/:groupId/members': {
    allowed: ['admin', 'owner', 'developer', 'viewer'],
    request: async ({ groupId }) => ({ url: `/api/groups/${groupId}/members` }),
  },
  'PUT /api/groups/:groupId/members/:userId': {
    allowed: ['admin', 'owner'],
    request: async ({ t, groupId }) => ({ url: `/api/groups/${groupId}/members/${(await t.createUser()).id}`, payload: { role: 'viewer' } }),
  },
  'DELETE /api/groups/:groupId/members/:userId': {
    allowed: ['admin', 'owner'],
    request: async ({ t, groupId }) => ({ url: `/api/groups/${groupId}/members/${(await t.createUser({ groupId, role: 'viewer' })).id}` }),
  },
  'GET /api/tokens': { allowed: everyone, request: async () => ({ url: '/api/tokens' }) },
  'POST /api/tokens': { allowed: everyone, request: async () => ({ url: '/api/tokens', payload: { name: 'ci', scope: 'read' } }) },
  'DELETE /api/tokens/:id': {
    allowed: everyone,
    request: async ({ t, actor }) => {
      const created = await t.call(actor.token, { method: 'POST', url: '/api/tokens', payload: { name: 'tmp', scope: 'read' } });
      return { url: `/api/tokens/${(created.json() as { apiToken: { id: string } }).apiToken.id}` };
    },
  },
  'GET /api/audit': { allowed: ['admin'], request: async () => ({ url: '/api/audit' }) },

  'GET /api/credentials': { allowed: everyone, request: async () => ({ url: '/api/credentials' }) },
  'POST /api/credentials': {
    allowed: managers,
    request: async ({ groupId }) => ({ url: '/api/credentials', payload: { groupId, name: `c-${rand()}`, kind: 'git_token', token: 'glpat-x' } }),
  },
  'GET /api/credentials/:id': { allowed: readers, request: async ({ t, groupId }) => ({ url: `/api/credentials/${(await make.sshKey(t, groupId)).id}` }) },
  'PATCH /api/credentials/:id': {
    allowed: managers,
    request: async ({ t, groupId }) => ({ url: `/api/credentials/${(await make.sshKey(t, groupId)).id}`, payload: { description: 'edited' } }),
  },
  'DELETE /api/credentials/:id': { allowed: managers, request: async ({ t, groupId }) => ({ url: `/api/credentials/${(await make.sshKey(t, groupId)).id}` }) },

  'GET /api/servers': { allowed: everyone, request: async () => ({ url: '/api/servers' }) },
  'POST /api/servers': {
    allowed: managers,
    request: async ({ t, groupId }) => ({
      url: '/api/servers',
      payload: { groupId, name: `s-${rand()}`, host: 'web1.example', username: 'deploy', credentialId: (await make.sshKey(t, groupId)).id },
    }),
  },
  'GET /api/servers/:id': { allowed: readers, request: async ({ t, groupId }) => ({ url: `/api/servers/${(await make.server(t, groupId)).id}` }) },
  'PATCH /api/servers/:id': {
    allowed: managers,
    request: async ({ t, groupId }) => ({ url: `/api/servers/${(await make.server(t, groupId)).id}`, payload: { labels: ['edited'] } }),
  },
  'DELETE /api/servers/:id': { allowed: managers, request: async ({ t, groupId }) => ({ url: `/api/servers/${(await make.server(t, groupId)).id}` }) },
  'POST /api/servers/:id/test': { allowed: managers, request: async ({ t, groupId }) => ({ url: `/api/servers/${(await make.server(t, groupId)).id}/test` }) },
  'POST /api/servers/:id/host-key/reset': {
    allowed: ['admin'],
    request: async ({ t, groupId }) => ({ url: `/api/servers/${(await make.server(t, groupId)).id}/host-key/reset` }),
  },

  'GET /api/project-presets': { allowed: everyone, request: async () => ({ url: '/api/project-presets' }) },
  'GET /api/projects': { allowed: everyone, request: async () => ({ url: '/api/projects' }) },
  'POST /api/projects': {
    allowed: managers,
    request: async ({ groupId }) => ({ url: '/api/projects', payload: { groupId, name: `p-${rand()}`, gitUrl: 'https://git.example.com/app.git', preset: 'static' } }),
  },
  'GET /api/projects/:id': { allowed: readers, request: async ({ t, groupId }) => ({ url: `/api/projects/${(await make.project(t, groupId)).id}` }) },
  'PATCH /api/projects/:id': {
    allowed: managers,
    request: async ({ t, groupId }) => ({ url: `/api/projects/${(await make.project(t, groupId)).id}`, payload: { keepReleases: 7 } }),
  },
  'DELETE /api/projects/:id': { allowed: managers, request: async ({ t, groupId }) => ({ url: `/api/projects/${(await make.project(t, groupId)).id}` }) },
  'POST /api/projects/:id/hooks/:stage/apply-template': {
    allowed: managers,
    request: async ({ t, groupId }) => ({
      url: `/api/projects/${(await make.project(t, groupId)).id}/hooks/after-release/apply-template`,
      payload: { templateId: (await make.template(t, groupId)).id },
    }),
  },
  'GET /api/projects/:id/refs': {
    allowed: readers,
    request: async ({ t, groupId }) => ({ url: `/api/projects/${(await make.project(t, groupId, sampleRepo.url)).id}/refs` }),
  },
  'GET /api/projects/:id/commits': {
    allowed: readers,
    request: async ({ t, groupId }) => ({ url: `/api/projects/${(await make.project(t, groupId, sampleRepo.url)).id}/commits` }),
  },

  'GET /api/hook-templates': { allowed: everyone, request: async () => ({ url: '/api/hook-templates' }) },
  'POST /api/hook-templates': { allowed: managers, request: async ({ groupId }) => ({ url: '/api/hook-templates', payload: { groupId, name: `t-${rand()}`, script: 'echo' } }) },
  'GET /api/hook-templates/:id': { allowed: readers, request: async ({ t, groupId }) => ({ url: `/api/hook-templates/${(await make.template(t, groupId)).id}` }) },
  'PATCH /api/hook-templates/:id': {
    allowed: managers,
    request: async ({ t, groupId }) => ({ url: `/api/hook-templates/${(await make.template(t, groupId)).id}`, payload: { script: 'echo edited' } }),
  },
  'DELETE /api/hook-templates/:id': { allowed: managers, request: async ({ t, groupId }) => ({ url: `/api/hook-templates/${(await make.template(t, groupId)).id}` }) },

  'GET /api/projects/:id/environments': {
    allowed: readers,
    request: async ({ t, groupId }) => ({ url: `/api/projects/${(await make.project(t, groupId)).id}/environments` }),
  },
  'POST /api/projects/:id/environments': {
    allowed: managers,
    request: async ({ t, groupId }) => ({ url: `/api/projects/${(await make.project(t, groupId)).id}/environments`, payload: { name: 'prod', deployPath: '/srv/app' } }),
  },
  'GET /api/environments/:id': { allowed: readers, request: async ({ t, groupId }) => ({ url: `/api/environments/${(await make.environment(t, groupId)).id}` }) },
  'PATCH /api/environments/:id': {
    allowed: managers,
    request: async ({ t, groupId }) => ({ url: `/api/environments/${(await make.environment(t, groupId)).id}`, payload: { requireApproval: true } }),
  },
  'DELETE /api/environments/:id': { allowed: managers, request: async ({ t, groupId }) => ({ url: `/api/environments/${(await make.environment(t, groupId)).id}` }) },
  // Archived rows come back, or go for good, only by an administrator's hand.
  'POST /api/groups/:groupId/unarchive': { allowed: ['admin'], request: async ({ t, groupId }) => ({ url: `/api/groups/${(await t.db.group.update({ where: { id: groupId }, data: { archivedAt: new Date() } })).id}/unarchive` }) },
  'POST /api/groups/:groupId/purge': { allowed: ['admin'], request: async ({ groupId }) => ({ url: `/api/groups/${groupId}/purge` }) },
  'POST /api/projects/:id/unarchive': {
    allowed: ['admin'],
    request: async ({ t, groupId }) => ({ url: `/api/projects/${(await t.db.project.update({ where: { id: (await make.project(t, groupId)).id }, data: { archivedAt: new Date() } })).id}/unarchive` }),
  },
  'POST /api/projects/:id/purge': { allowed: ['admin'], request: async ({ t, groupId }) => ({ url: `/api/projects/${(await make.project(t, groupId)).id}/purge` }) },
  'POST /api/environments/:id/unarchive': {
    allowed: ['admin'],
    request: async ({ t, groupId }) => ({ url: `/api/environments/${(await t.db.environment.update({ where: { id: (await make.environment(t, groupId)).id }, data: { archivedAt: new Date() } })).id}/unarchive` }),
  },
  'POST /api/environments/:id/purge': { allowed: ['admin'], request: async ({ t, groupId }) => ({ url: `/api/environments/${(await make.environment(t, groupId)).id}/purge` }) },
  'GET /api/environments/:id/window-status': {
    allowed: readers,
    request: async ({ t, groupId }) => ({ url: `/api/environments/${(await make.environment(t, groupId)).id}/window-status` }),
  },
  ...releaseRows(() => sampleRepo.url),
  ...gitPlatformRows,
  ...gitHostRows,
  ...notificationRows,
  ...alertRows,
  ...supervisionRows,
  ...monitoringRows,
  ...webhookRows(() => gitlab),
};

describe('permission matrix', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await buildTestApp({ PUBLIC_URL: MATRIX_PUBLIC_URL });
    sampleRepo = createSampleAppRepo();
    gitlab = await startGitLabStandIn();
  });
  afterAll(async () => {
    sampleRepo?.remove();
    await t?.close();
    await gitlab?.close();
  });

  it('covers every guarded route', () => {
    const declared = t.app.guardedRoutes.map((r) => `${r.method} ${r.url}`).sort();
    expect(declared).toEqual(Object.keys(matrix).sort());
  });

  /** A fresh group and fresh users per route, so one route's side effects (a deleted group, a changed password) never leak. */
  async function actorFor(who: Who, groupId: string): Promise<TestUser> {
    if (who === 'admin') return t.createUser({ isAdmin: true });
    if (who === 'outsider') return t.createUser();
    return t.createUser({ groupId, role: who });
  }

  for (const [key, entry] of Object.entries(matrix)) {
    const [method, pattern] = key.split(' ') as [string, string];
    const isPublic = ['/healthz', '/readyz', '/api/auth/login', '/api/trigger/:token', '/api/webhooks/gitlab/:hookId', '/api/webhooks/github/:hookId', '/api/webhooks/gitee/:hookId'].includes(pattern);

    it(`${key}: allowed ${entry.allowed.join(', ')}`, async () => {
      const results: Record<string, number> = {};
      const expected: Record<string, number | string> = {};
      for (const who of [...everyone, 'anonymous' as const]) {
        const group = await t.createGroup();
        // Every group keeps an owner besides the actor, so "last owner" rules do not mask permission results.
        await t.createUser({ groupId: group.id, role: 'owner' });
        const actor = who === 'anonymous' ? await t.createUser() : await actorFor(who, group.id);
        const { url, payload } = await entry.request({ t, groupId: group.id, actor });
        const token = who === 'anonymous' ? null : actor.token;
        results[who] = entry.send ? await entry.send(t, token, url) : (await t.call(token, { method: method as 'GET', url, payload: payload as object })).statusCode;
        if (who === 'anonymous') expected[who] = isPublic ? '2xx' : 401;
        else expected[who] = entry.allowed.includes(who) ? '2xx' : 403;
      }
      const normalised = Object.fromEntries(
        Object.entries(results).map(([who, status]) => [who, status >= 200 && status < 300 ? '2xx' : status]),
      );
      expect(normalised).toEqual(expected);
    });
  }
});
