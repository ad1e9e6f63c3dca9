import { createHmac } from 'node:crypto';
import { everyone, type Case, type Who } from './matrix.js';
import type { GitLabStandIn } from './gitlab-stand-in/index.js';
import type { TestApp } from './test-app.js';

const readers: Who[] = ['admin', 'owner', 'developer', 'viewer'];
const managers: Who[] = ['admin', 'owner'];
const rand = () => Math.random().toString(36).slice(2, 10);
const SECRET = 'matrix-hook-secret';
/** The matrix app's PUBLIC_URL: nothing listens there, and nothing needs to (GitLab is not asked to deliver). */
export const MATRIX_PUBLIC_URL = 'http://127.0.0.1:9';

/** A project linked to a fresh project on the stand-in, through a platform of the group. */
async function linkedProject(t: TestApp, groupId: string, gitlab: GitLabStandIn) {
  const remote = gitlab.addProject({ path: `p-${rand()}` });
  const credential = await t.db.credential.create({ data: { groupId, name: `tok-${rand()}`, kind: 'git_token', secret: t.app.secrets.encrypt(gitlab.token), boundHost: '127.0.0.1' } });
  const platform = await t.db.gitPlatform.create({ data: { groupId, name: `gl-${rand()}`, kind: 'gitlab', baseUrl: gitlab.url, credentialId: credential.id } });
  const project = await t.db.project.create({
    data: { groupId, name: `p-${rand()}`, preset: 'shell', gitUrl: 'https://gitlab.example.com/x.git', gitPlatformId: platform.id, remoteProjectId: BigInt(remote.id) },
  });
  return { project, platform, remote };
}

/** A hook made on the stand-in through its API, as GitLab would hold it. */
async function remoteHook(gitlab: GitLabStandIn, projectId: number, url: string): Promise<number> {
  const made = await fetch(`${gitlab.url}/api/v4/projects/${projectId}/hooks`, {
    method: 'POST',
    headers: { 'private-token': gitlab.token, 'content-type': 'application/json' },
    body: JSON.stringify({ url, push_events: true, token: SECRET }),
  });
  return ((await made.json()) as { id: number }).id;
}

/** A hook set up by hand for GitHub or Gitee on a plain project. */
async function handMadeHook(t: TestApp, groupId: string, kind: 'github' | 'gitee') {
  const project = await t.db.project.create({ data: { groupId, name: `p-${rand()}`, preset: 'shell', gitUrl: 'https://git.example.com/x.git' } });
  const id = crypto.randomUUID();
  return t.db.projectWebhook.create({ data: { id, projectId: project.id, kind, url: `${MATRIX_PUBLIC_URL}/api/webhooks/${kind}/${id}`, secret: t.app.secrets.encrypt(SECRET) } });
}

async function withHook(t: TestApp, groupId: string, gitlab: GitLabStandIn) {
  const { project, platform, remote } = await linkedProject(t, groupId, gitlab);
  const id = crypto.randomUUID();
  const url = `${MATRIX_PUBLIC_URL}/api/webhooks/gitlab/${id}`;
  const remoteHookId = await remoteHook(gitlab, remote.id, url);
  const hook = await t.db.projectWebhook.create({ data: { id, projectId: project.id, platformId: platform.id, remoteHookId: BigInt(remoteHookId), url, secret: t.app.secrets.encrypt(SECRET) } });
  return { project, remote, hook };
}

/** Permission rows of the webhook routes; the receiver is public and its secret is the credential. */
export function webhookRows(gitlab: () => GitLabStandIn): Record<string, Case> {
  return {
    'GET /api/projects/:id/webhook': { allowed: readers, request: async ({ t, groupId }) => ({ url: `/api/projects/${(await linkedProject(t, groupId, gitlab())).project.id}/webhook` }) },
    'POST /api/projects/:id/webhook': { allowed: managers, request: async ({ t, groupId }) => ({ url: `/api/projects/${(await linkedProject(t, groupId, gitlab())).project.id}/webhook` }) },
    'DELETE /api/projects/:id/webhook': { allowed: managers, request: async ({ t, groupId }) => ({ url: `/api/projects/${(await withHook(t, groupId, gitlab())).project.id}/webhook` }) },
    'DELETE /api/projects/:id/webhook/leftovers/:remoteHookId': {
      allowed: managers,
      request: async ({ t, groupId }) => {
        const { project, remote } = await linkedProject(t, groupId, gitlab());
        const leftover = await remoteHook(gitlab(), remote.id, `${MATRIX_PUBLIC_URL}/api/webhooks/gitlab/${crypto.randomUUID()}`);
        return { url: `/api/projects/${project.id}/webhook/leftovers/${leftover}` };
      },
    },
    'GET /api/projects/:id/webhook/deliveries': { allowed: readers, request: async ({ t, groupId }) => ({ url: `/api/projects/${(await withHook(t, groupId, gitlab())).project.id}/webhook/deliveries` }) },
    'POST /api/projects/:id/webhook/deliveries/:deliveryId/replay': {
      allowed: managers,
      request: async ({ t, groupId }) => {
        const { project, hook } = await withHook(t, groupId, gitlab());
        const delivery = await t.db.webhookDelivery.create({ data: { webhookId: hook.id, event: 'Push Hook', outcome: 'ignored', reason: 'recorded' } });
        return { url: `/api/projects/${project.id}/webhook/deliveries/${delivery.id}/replay` };
      },
    },
    'POST /api/webhooks/github/:hookId': {
      allowed: everyone,
      request: async ({ t, groupId }) => ({ url: `/api/webhooks/github/${(await handMadeHook(t, groupId, 'github')).id}` }),
      send: async (t, token, url) => {
        const payload = JSON.stringify({ zen: 'ping' });
        const signature = `sha256=${createHmac('sha256', SECRET).update(payload).digest('hex')}`;
        const headers = { 'content-type': 'application/json', 'x-github-event': 'ping', 'x-hub-signature-256': signature, ...(token ? { authorization: `Bearer ${token}` } : {}) };
        return (await t.app.inject({ method: 'POST', url, headers, payload })).statusCode;
      },
    },
    'POST /api/webhooks/gitee/:hookId': {
      allowed: everyone,
      request: async ({ t, groupId }) => ({ url: `/api/webhooks/gitee/${(await handMadeHook(t, groupId, 'gitee')).id}` }),
      send: async (t, token, url) =>
        (
          await t.app.inject({
            method: 'POST',
            url,
            headers: { 'content-type': 'application/json', 'x-gitee-token': SECRET, 'x-gitee-event': 'Note Hook', ...(token ? { authorization: `Bearer ${token}` } : {}) },
            payload: JSON.stringify({ hook_name: 'note_hooks' }),
          })
        ).statusCode,
    },
    'POST /api/webhooks/gitlab/:hookId': {
      allowed: everyone,
      request: async ({ t, groupId }) => ({ url: `/api/webhooks/gitlab/${(await withHook(t, groupId, gitlab())).hook.id}` }),
      send: async (t, token, url) =>
        (
          await t.app.inject({
            method: 'POST',
            url,
            headers: { 'content-type': 'application/json', 'x-gitlab-token': SECRET, 'x-gitlab-event': 'Push Hook', ...(token ? { authorization: `Bearer ${token}` } : {}) },
            payload: JSON.stringify({ ref: 'refs/heads/main', before: 'a'.repeat(40), after: 'b'.repeat(40), total_commits_count: 1 }),
          })
        ).statusCode,
    },
  };
}
