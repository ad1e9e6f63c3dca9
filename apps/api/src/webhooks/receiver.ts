import { setTimeout as sleep } from 'node:timers/promises';
import type { ReceiverAnswer, WebhookKind } from '@rp/contract/webhooks';
import type { ProjectWebhook } from '../generated/prisma/client.js';
import type { RequestContext } from '../plugins/app/auth/actor.js';
import type { PrivateHosts } from '../projects/git-policy.js';
import { linkedGitLab } from '../projects/platform-lookups.js';
import type { Db } from '../shared/db.js';
import { NotFound, Unauthorized } from '../shared/errors.js';
import type { SecretBox } from '../shared/secret-box.js';
import { deliver, hookOwner } from './deliver.js';
import { readGitee } from './readers/gitee.js';
import { readGitHub } from './readers/github.js';
import { readGitLab } from './readers/gitlab.js';
import { message, sha, text, type Payload, type Reading } from './readers/reading.js';
import { giteeVerified, githubVerified, gitlabVerified } from './signatures.js';

type Headers = Record<string, string | string[] | undefined>;
const header = (headers: Headers, name: string) => {
  const value = headers[name];
  return typeof value === 'string' ? value : undefined;
};

interface Sender {
  verified(secret: string, headers: Headers, raw: Buffer): boolean;
  refusal: string;
  event(headers: Headers): string;
  deliveryUuid(headers: Headers, body: Payload): string | null;
  read(event: string, body: Payload): Reading;
}

/** How each Git platform signs, names and shapes its deliveries. */
const SENDERS: Record<WebhookKind, Sender> = {
  gitlab: {
    verified: (secret, headers) => gitlabVerified(secret, { token: header(headers, 'x-gitlab-token') }),
    refusal: 'The X-Gitlab-Token header does not match this webhook\'s secret',
    event: (headers) => header(headers, 'x-gitlab-event') ?? '',
    deliveryUuid: (headers) => header(headers, 'x-gitlab-event-uuid') ?? null,
    read: readGitLab,
  },
  github: {
    verified: (secret, headers, raw) => githubVerified(secret, { signature: header(headers, 'x-hub-signature-256') }, raw),
    refusal: 'The X-Hub-Signature-256 header is not the HMAC-SHA256 of this body with this webhook\'s secret',
    event: (headers) => header(headers, 'x-github-event') ?? '',
    deliveryUuid: (headers) => header(headers, 'x-github-delivery') ?? null,
    read: readGitHub,
  },
  gitee: {
    verified: (secret, headers) => giteeVerified(secret, { token: header(headers, 'x-gitee-token'), timestamp: header(headers, 'x-gitee-timestamp') }),
    refusal: 'The X-Gitee-Token header is neither this webhook\'s password nor a current signature made with it',
    event: (headers) => header(headers, 'x-gitee-event') ?? '',
    // Gitee sends no delivery id; a redelivery repeats the payload's timestamp and head commit.
    deliveryUuid: (_headers, body) => {
      const at = text(body.timestamp, 20);
      const after = sha(body.after);
      return at && after ? `${at}:${after}` : null;
    },
    read: readGitee,
  },
};

/** GitLab gives up on a hook after 10 s; asking it for the head commit must leave time to answer. */
const HEAD_LOOKUP_MS = 4000;

/**
 * A push of more than 20 commits (or a tag push) may not carry the head commit's message; a hook on a linked GitLab
 * project asks GitLab for it. Failing that, the message stays unknown and a keyword rule says so.
 */
async function withHeadMessage(deps: ReceiverDeps, project: { gitPlatformId: string | null; remoteProjectId: bigint | null }, reading: Reading): Promise<Reading> {
  if (reading.ignored || reading.message !== null || !reading.commit) return reading;
  const linked = await linkedGitLab(deps.db, deps.secrets, project, deps.privateHosts).catch(() => null);
  if (!linked) return reading;
  const lookup = linked.api.Commits.show(linked.remoteId, reading.commit).catch(() => null) as Promise<{ message?: unknown } | null>;
  const commit = await Promise.race([lookup, sleep(HEAD_LOOKUP_MS, null)]);
  return { ...reading, message: message(commit?.message) };
}

export interface ReceiverDeps {
  db: Db;
  secrets: SecretBox;
  privateHosts: PrivateHosts;
}

export interface Received {
  kind: WebhookKind;
  hookId: string;
  headers: Headers;
  raw: Buffer;
  body: unknown;
  request: Pick<RequestContext, 'ip' | 'userAgent'>;
}

async function rejected(db: Db, hook: ProjectWebhook, refusal: string): Promise<never> {
  await db.projectWebhook.update({ where: { id: hook.id }, data: { rejected: { increment: 1 }, lastRejectedAt: new Date() } });
  throw new Unauthorized(refusal);
}

/**
 * One delivery to `/api/webhooks/<kind>/:hookId`. The secret must check out (a wrong or missing one is counted on the
 * hook and answered 401, nothing else stored); a redelivery is answered "duplicate" and creates nothing; every other
 * delivery is recorded with what it asked for and what became of it.
 */
export async function receive(deps: ReceiverDeps, { kind, hookId, headers, raw, body, request }: Received): Promise<ReceiverAnswer> {
  const hook = await deps.db.projectWebhook.findUnique({ where: { id: hookId }, include: { project: true } });
  if (!hook || hook.kind !== kind) throw new NotFound('Webhook');
  const sender = SENDERS[kind];
  if (!sender.verified(deps.secrets.decrypt(hook.secret), headers, raw)) return rejected(deps.db, hook, sender.refusal);
  const payload = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Payload) : {};
  const reading = await withHeadMessage(deps, hook.project, sender.read(sender.event(headers), payload));
  const { answer } = await deliver(deps.db, {
    hook,
    projectId: hook.projectId,
    reading,
    deliveryUuid: sender.deliveryUuid(headers, payload),
    releaser: await hookOwner(deps.db, hook, hook.project.groupId, request),
  });
  return answer;
}
