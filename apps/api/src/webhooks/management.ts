import { randomBytes, randomUUID } from 'node:crypto';
import type { WebhookStatus } from '@rp/contract/webhooks';
import { recordAudit } from '../audit/service.js';
import type { RequestContext } from '../plugins/app/auth/actor.js';
import type { PrivateHosts } from '../projects/git-policy.js';
import { linkedGitLab, type LinkedGitLab } from '../projects/platform-lookups.js';
import type { Db } from '../shared/db.js';
import { BadGateway, Conflict, NotFound } from '../shared/errors.js';
import type { SecretBox } from '../shared/secret-box.js';

export interface WebhookDeps {
  db: Db;
  secrets: SecretBox;
  privateHosts: PrivateHosts;
  publicUrl: string | null;
}

/** Where GitLab posts a hook's deliveries: under PUBLIC_URL, named by the hook's id. */
export const receiverPrefix = (publicUrl: string) => `${publicUrl}/api/webhooks/gitlab/`;

interface RemoteHook {
  id: number;
  url: string;
}

async function projectAndApi(deps: WebhookDeps, projectId: string) {
  const project = await deps.db.project.findUnique({ where: { id: projectId }, include: { webhook: true } });
  if (!project) throw new NotFound('Project');
  const linked = await linkedGitLab(deps.db, deps.secrets, project, deps.privateHosts).catch((error: Error) => {
    throw new BadGateway(`Cannot ask the project's Git platform: ${error.message}`);
  });
  return { project, linked };
}

const failed = (linked: LinkedGitLab, error: Error) => error.message.replaceAll(linked.secret, '***');

/** The project, its GitLab API, GitLab's hooks on it (null when GitLab could not be asked) and the ones left over. */
async function remoteHooks(deps: WebhookDeps, projectId: string) {
  const { project, linked } = await projectAndApi(deps, projectId);
  let remote: RemoteHook[] | null = null;
  let platformError: string | null = null;
  if (linked) {
    remote = await (linked.api.ProjectHooks.all(linked.remoteId) as Promise<RemoteHook[]>).catch((error: Error) => {
      platformError = failed(linked, error);
      return null;
    });
  }
  const ours = deps.publicUrl ? receiverPrefix(deps.publicUrl) : null;
  const known = project.webhook?.remoteHookId.toString();
  const leftovers = (remote ?? []).filter((h) => ours !== null && h.url.startsWith(ours) && String(h.id) !== known);
  return { project, linked, remote, leftovers, platformError };
}

/** The hook as the platform knows it, whether GitLab still has it, and GitLab's hooks here that the platform does not know. */
export async function webhookStatus(deps: WebhookDeps, { projectId }: { projectId: string }): Promise<WebhookStatus> {
  const { project, linked, remote, leftovers, platformError } = await remoteHooks(deps, projectId);
  const hook = project.webhook;
  const last = hook ? await deps.db.webhookDelivery.findFirst({ where: { webhookId: hook.id }, orderBy: { receivedAt: 'desc' } }) : null;
  return {
    publicUrl: deps.publicUrl,
    linked: linked !== null,
    hook: hook
      ? {
          id: hook.id,
          url: hook.url,
          remoteHookId: hook.remoteHookId.toString(),
          createdAt: hook.createdAt.toISOString(),
          onPlatform: remote === null ? null : remote.some((h) => String(h.id) === hook.remoteHookId.toString()),
          rejected: hook.rejected,
          lastRejectedAt: hook.lastRejectedAt?.toISOString() ?? null,
          lastDelivery: last ? { receivedAt: last.receivedAt.toISOString(), event: last.event, outcome: last.outcome === 'ignored' ? 'ignored' : 'recorded' } : null,
        }
      : null,
    leftovers: leftovers.map((h) => ({ remoteHookId: String(h.id), url: h.url })),
    platformError,
  };
}

/**
 * Adds the platform's hook to the linked GitLab project (push, tag push and pipeline events) with a random secret,
 * and keeps it. Should storing it fail, the hook just made on GitLab is removed again, so none is left behind unknown.
 */
export async function addWebhook(deps: WebhookDeps & { ctx: RequestContext }, { projectId }: { projectId: string }) {
  if (!deps.publicUrl) throw new Conflict('PUBLIC_URL is not set: GitLab needs the address it can reach this platform at');
  const { project, linked } = await projectAndApi(deps, projectId);
  if (!linked || !project.gitPlatformId) throw new Conflict('The project is not linked to a GitLab project; import it from a GitLab platform first');
  if (project.webhook) throw new Conflict('The project has a webhook already; remove it first to add a new one');
  const id = randomUUID();
  const secret = randomBytes(32).toString('base64url');
  const url = `${receiverPrefix(deps.publicUrl)}${id}`;
  const created = (await linked.api.ProjectHooks.add(linked.remoteId, url, {
    token: secret,
    pushEvents: true,
    tagPushEvents: true,
    pipelineEvents: true,
    enableSslVerification: url.startsWith('https://'),
  }).catch((error: Error) => {
    throw new BadGateway(`GitLab did not add the webhook: ${failed(linked, error)}`);
  })) as RemoteHook;
  try {
    await deps.db.$transaction(async (tx) => {
      await tx.projectWebhook.create({ data: { id, projectId, platformId: project.gitPlatformId ?? '', remoteHookId: BigInt(created.id), url, secret: deps.secrets.encrypt(secret) } });
      await recordAudit(tx, deps.ctx, { action: 'webhook.create', resourceType: 'project', resourceId: projectId, details: { url, remoteHookId: created.id } });
    });
  } catch (error) {
    await linked.api.ProjectHooks.remove(linked.remoteId, created.id).catch(() => undefined);
    throw error;
  }
  return webhookStatus(deps, { projectId });
}

/** Removes the hook from GitLab (one GitLab no longer has is fine) and forgets it with its deliveries. */
export async function removeWebhook(deps: WebhookDeps & { ctx: RequestContext }, { projectId }: { projectId: string }) {
  const { project, linked } = await projectAndApi(deps, projectId);
  const hook = project.webhook;
  if (!hook) throw new NotFound('Webhook');
  if (linked) await removeRemote(linked, Number(hook.remoteHookId));
  await deps.db.$transaction(async (tx) => {
    await tx.projectWebhook.delete({ where: { id: hook.id } });
    await recordAudit(tx, deps.ctx, { action: 'webhook.delete', resourceType: 'project', resourceId: projectId, details: { url: hook.url, remoteHookId: hook.remoteHookId.toString() } });
  });
}

/** Removes a hook on the GitLab project that points at this platform but that it does not know. */
export async function removeLeftover(deps: WebhookDeps & { ctx: RequestContext }, { projectId, remoteHookId }: { projectId: string; remoteHookId: string }) {
  const { linked, leftovers } = await remoteHooks(deps, projectId);
  if (!linked || !leftovers.some((h) => String(h.id) === remoteHookId)) throw new NotFound('Left-over webhook');
  await removeRemote(linked, Number(remoteHookId));
  await recordAudit(deps.db, deps.ctx, { action: 'webhook.delete_leftover', resourceType: 'project', resourceId: projectId, details: { remoteHookId } });
}

async function removeRemote(linked: LinkedGitLab, hookId: number) {
  await linked.api.ProjectHooks.remove(linked.remoteId, hookId).catch((error: Error & { cause?: { response?: Response } }) => {
    if (error.cause?.response?.status === 404) return;
    throw new BadGateway(`GitLab did not remove the webhook: ${failed(linked, error)}`);
  });
}
