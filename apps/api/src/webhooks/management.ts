import { randomBytes, randomUUID } from 'node:crypto';
import type { WebhookKind, WebhookStatus } from '@rp/contract/webhooks';
import { recordAudit } from '../audit/service.js';
import { outcomeOf } from './deliveries.js';
import type { Actor, RequestContext } from '../plugins/app/auth/actor.js';
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

/** Where a Git platform posts a hook's deliveries: under PUBLIC_URL, named by the sender and the hook's id. */
export const receiverPrefix = (publicUrl: string, kind: WebhookKind = 'gitlab') => `${publicUrl}/api/webhooks/${kind}/`;

interface RemoteHook {
  id: number;
  url: string;
}

async function projectAndApi(deps: WebhookDeps, projectId: string) {
  const project = await deps.db.project.findUnique({ where: { id: projectId }, include: { webhook: { include: { createdBy: { select: { username: true } } } } } });
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
  const known = project.webhook?.remoteHookId?.toString();
  const leftovers = (remote ?? []).filter((h) => ours !== null && h.url.startsWith(ours) && String(h.id) !== known);
  return { project, linked, remote, leftovers, platformError };
}

const kindOf = (kind: string): WebhookKind => (kind === 'github' || kind === 'gitee' ? kind : 'gitlab');

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
          kind: kindOf(hook.kind),
          url: hook.url,
          remoteHookId: hook.remoteHookId?.toString() ?? null,
          createdBy: hook.createdBy?.username ?? null,
          createdAt: hook.createdAt.toISOString(),
          onPlatform: remote === null || hook.remoteHookId === null ? null : remote.some((h) => String(h.id) === hook.remoteHookId?.toString()),
          rejected: hook.rejected,
          lastRejectedAt: hook.lastRejectedAt?.toISOString() ?? null,
          lastDelivery: last ? { receivedAt: last.receivedAt.toISOString(), event: last.event, outcome: outcomeOf(last.outcome) } : null,
        }
      : null,
    leftovers: leftovers.map((h) => ({ remoteHookId: String(h.id), url: h.url })),
    platformError,
  };
}

/**
 * Adds the project's webhook. On a project linked to a GitLab platform (and kind gitlab) the platform adds it through
 * GitLab's API (push, tag push and pipeline events) with a random secret; should storing it fail, the hook just made
 * on GitLab is removed again, so none is left behind unknown. Otherwise the hook is set up by hand: the answer carries
 * the secret once, to paste into the Git platform's settings. Deliveries release as the owner who added it.
 */
export async function addWebhook(deps: WebhookDeps & { actor: Actor; ctx: RequestContext }, { projectId, kind = 'gitlab' }: { projectId: string; kind?: WebhookKind }): Promise<WebhookStatus> {
  if (!deps.publicUrl) throw new Conflict('PUBLIC_URL is not set: the Git platform needs the address it can reach this platform at');
  const { project, linked } = await projectAndApi(deps, projectId);
  if (project.webhook) throw new Conflict('The project has a webhook already; remove it first to add a new one');
  const id = randomUUID();
  const secret = randomBytes(32).toString('base64url');
  const url = `${receiverPrefix(deps.publicUrl, kind)}${id}`;
  const store = (remote: { platformId: string; remoteHookId: number } | null) =>
    deps.db.$transaction(async (tx) => {
      await tx.projectWebhook.create({
        data: { id, projectId, kind, url, secret: deps.secrets.encrypt(secret), createdById: deps.actor.userId, platformId: remote?.platformId ?? null, remoteHookId: remote ? BigInt(remote.remoteHookId) : null },
      });
      await recordAudit(tx, deps.ctx, { action: 'webhook.create', resourceType: 'project', resourceId: projectId, details: { url, kind, remoteHookId: remote?.remoteHookId ?? null } });
    });
  if (!linked || !project.gitPlatformId || kind !== 'gitlab') {
    await store(null);
    return { ...(await webhookStatus(deps, { projectId })), secret };
  }
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
    await store({ platformId: project.gitPlatformId, remoteHookId: created.id });
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
  if (linked && hook.remoteHookId !== null) await removeRemote(linked, Number(hook.remoteHookId));
  await deps.db.$transaction(async (tx) => {
    await tx.projectWebhook.delete({ where: { id: hook.id } });
    await recordAudit(tx, deps.ctx, { action: 'webhook.delete', resourceType: 'project', resourceId: projectId, details: { url: hook.url, remoteHookId: hook.remoteHookId?.toString() ?? null } });
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
