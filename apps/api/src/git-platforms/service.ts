import type { CreateGitPlatformBody, GitPlatformQuery, UpdateGitPlatformBody } from '@rp/contract/git-platforms';
import type { Credential, GitPlatform, Prisma } from '../generated/prisma/client.js';
import { assertWritable } from '../archive/service.js';
import { auditChanges } from '../audit/changes.js';
import { recordAudit } from '../audit/service.js';
import { bindCredential, revealSecret } from '../credentials/service.js';
import type { Actor, RequestContext } from '../plugins/app/auth/actor.js';
import { classifyAddress, gitHostOf, hostProblem, type PrivateHosts } from '../projects/git-policy.js';
import type { Db, DbTx } from '../shared/db.js';
import { Conflict, Invalid, NotFound } from '../shared/errors.js';
import { pageArgs } from '../shared/pagination.js';
import type { SecretBox } from '../shared/secret-box.js';
import { normaliseBaseUrl } from './api-base.js';
import type { SyncRunner } from './sync-runner.js';
import type { SyncMode } from './sync.js';
import { checkToken } from './token-check.js';

type Row = GitPlatform & { credential: Pick<Credential, 'name'>; _count: { projects: number } };

const syncModeOf = (mode: string | null): 'full' | 'incremental' | null => (mode === 'full' || mode === 'incremental' ? mode : null);

/** The one place a platform row becomes an API object. */
export const gitPlatformView = (row: Row) => ({
  id: row.id,
  groupId: row.groupId,
  name: row.name,
  kind: row.kind,
  baseUrl: row.baseUrl,
  credentialId: row.credentialId,
  credentialName: row.credential.name,
  check: { checkedAt: row.checkedAt?.toISOString() ?? null, ok: row.checkOk, message: row.checkMessage, tokenUser: row.tokenUser, tokenScopes: row.tokenScopes },
  sync: {
    runningSince: row.syncRunningSince?.toISOString() ?? null,
    mode: syncModeOf(row.syncMode),
    syncedAt: row.syncedAt?.toISOString() ?? null,
    fullSyncedAt: row.fullSyncedAt?.toISOString() ?? null,
    ok: row.syncOk,
    message: row.syncMessage,
    projects: row._count.projects,
  },
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

const withCredential = { credential: { select: { name: true } }, _count: { select: { projects: true } } } as const;

/** The token's credential by name: the entry stays readable after it is renamed or deleted. */
const auditedRow = (row: Row) => ({ ...row, credential: row.credential.name });

interface WriteDeps {
  db: Db;
  ctx: RequestContext;
  privateHosts: PrivateHosts;
}

/** Members see their groups' platforms and the global ones (to import from them); administrators see all. */
export async function listGitPlatforms({ db, actor }: { db: Db; actor: Actor }, query: GitPlatformQuery) {
  const visible: Prisma.GitPlatformWhereInput = actor.isAdmin ? {} : { OR: [{ groupId: { in: [...actor.roles.keys()] } }, { groupId: null }] };
  const filter: Prisma.GitPlatformWhereInput = { name: query.q ? { contains: query.q, mode: 'insensitive' } : undefined, kind: query.kind, groupId: query.groupId };
  const where: Prisma.GitPlatformWhereInput = { AND: [visible, filter] };
  const [rows, total] = await Promise.all([
    db.gitPlatform.findMany({ where, include: withCredential, orderBy: [{ name: 'asc' }, { id: 'asc' }], ...pageArgs(query.page, query.pageSize) }),
    db.gitPlatform.count({ where }),
  ]);
  return { items: rows.map(gitPlatformView), total, page: query.page, pageSize: query.pageSize };
}

export async function getGitPlatform({ db }: { db: Db }, { id }: { id: string }) {
  const row = await db.gitPlatform.findUnique({ where: { id }, include: withCredential });
  if (!row) throw new NotFound('Git platform');
  return gitPlatformView(row);
}

/**
 * The host the token will be sent to, if the installation lets the platform talk to it. Plain http only to the
 * loopback (a stand-in, a tunnel): anywhere else the token would cross the network readable.
 */
async function checkedHost(baseUrl: string, privateHosts: PrivateHosts): Promise<string> {
  const host = gitHostOf(baseUrl);
  if (!host) throw new Invalid('body.baseUrl', 'has no host');
  const problem = await hostProblem(host, privateHosts);
  if (problem) throw new Invalid('body.baseUrl', problem);
  if (baseUrl.startsWith('http://') && !isLoopbackName(host)) throw new Invalid('body.baseUrl', 'must be https:// (the access token is sent with every request); http:// only for the loopback');
  return host;
}

const isLoopbackName = (host: string) => host === 'localhost' || (/^[\d.]+$|:/.test(host) && classifyAddress(host) === 'loopback');

/**
 * The platform's token: a git_token credential of the same group (or a global one), bound to the platform's host
 * as projects bind theirs, so one token is never sent to two servers.
 */
async function checkCredential(tx: DbTx, credentialId: string, groupId: string | null, host: string) {
  const credential = await tx.credential.findUnique({ where: { id: credentialId } });
  if (!credential || (credential.groupId !== null && credential.groupId !== groupId)) {
    throw new Invalid('body.credentialId', groupId ? 'must be a credential of the platform\'s group or a global one' : 'a global platform needs a global credential');
  }
  if (credential.kind !== 'git_token') throw new Invalid('body.credentialId', 'must be a git_token credential');
  const bound = credential.boundHost ?? (await bindCredential(tx, credential.id, host));
  if (bound !== host) throw new Invalid('body.credentialId', `credential "${credential.name}" is bound to ${bound} and is never sent to ${host}; use a credential for ${host}`);
}

/** PostgreSQL treats NULL group ids as distinct, so uniqueness of global names is checked here. */
async function assertNameFree(tx: DbTx, groupId: string | null, name: string, exceptId?: string) {
  const clash = await tx.gitPlatform.findFirst({ where: { groupId, name } });
  if (clash && clash.id !== exceptId) throw new Conflict(`Git platform "${name}" already exists here`, [{ field: 'name', message: 'already exists' }]);
}

export async function createGitPlatform({ db, ctx, privateHosts }: WriteDeps, input: CreateGitPlatformBody) {
  const groupId = input.groupId ?? null;
  const baseUrl = normaliseBaseUrl(input.baseUrl);
  const host = await checkedHost(baseUrl, privateHosts);
  return db.$transaction(async (tx) => {
    if (groupId) await assertWritable(tx, 'group', groupId);
    await assertNameFree(tx, groupId, input.name);
    await checkCredential(tx, input.credentialId, groupId, host);
    const row = await tx.gitPlatform.create({ data: { groupId, name: input.name, kind: input.kind, baseUrl, credentialId: input.credentialId }, include: withCredential });
    await recordAudit(tx, ctx, { action: 'git_platform.create', resourceType: 'git_platform', resourceId: row.id, details: { name: row.name, kind: row.kind, baseUrl, groupId } });
    return gitPlatformView(row);
  });
}

export async function updateGitPlatform({ db, ctx, privateHosts }: WriteDeps, { id, changes }: { id: string; changes: UpdateGitPlatformBody }) {
  const before = await db.gitPlatform.findUnique({ where: { id } });
  if (!before) throw new NotFound('Git platform');
  const baseUrl = normaliseBaseUrl(changes.baseUrl ?? before.baseUrl);
  const host = await checkedHost(baseUrl, privateHosts);
  return db.$transaction(async (tx) => {
    if (before.groupId) await assertWritable(tx, 'group', before.groupId);
    if (changes.name) await assertNameFree(tx, before.groupId, changes.name, id);
    const current = await tx.gitPlatform.findUnique({ where: { id }, include: withCredential });
    if (!current) throw new NotFound('Git platform');
    if (changes.credentialId !== undefined || changes.baseUrl !== undefined) await checkCredential(tx, changes.credentialId ?? before.credentialId, before.groupId, host);
    // Another address or token: the last check no longer says anything about this platform.
    const reset = changes.credentialId !== undefined || baseUrl !== before.baseUrl ? { checkedAt: null, checkOk: null, checkMessage: null, tokenUser: null, tokenScopes: [] } : {};
    const row = await tx.gitPlatform.update({ where: { id }, data: { name: changes.name, baseUrl, credentialId: changes.credentialId, ...reset }, include: withCredential });
    await recordAudit(tx, ctx, { action: 'git_platform.update', resourceType: 'git_platform', resourceId: id, details: { name: row.name, changes: auditChanges(auditedRow(current), auditedRow(row), { plain: ['name', 'baseUrl', 'credential'] }) } });
    return gitPlatformView(row);
  });
}

export async function deleteGitPlatform({ db, ctx }: Omit<WriteDeps, 'privateHosts'>, { id }: { id: string }) {
  await db.$transaction(async (tx) => {
    const row = await tx.gitPlatform.findUnique({ where: { id } });
    if (!row) throw new NotFound('Git platform');
    if (row.groupId) await assertWritable(tx, 'group', row.groupId);
    await tx.gitPlatform.delete({ where: { id } });
    await recordAudit(tx, ctx, { action: 'git_platform.delete', resourceType: 'git_platform', resourceId: id, details: { name: row.name, kind: row.kind, baseUrl: row.baseUrl, groupId: row.groupId } });
  });
}

/**
 * "Test connection": asks the platform who the token belongs to and what it may do, and keeps the answer on the
 * platform. The host is checked again first, since DNS may have changed since it was saved.
 */
export async function testGitPlatform({ db, ctx, privateHosts, secrets }: WriteDeps & { secrets: SecretBox }, { id }: { id: string }) {
  const row = await db.gitPlatform.findUnique({ where: { id } });
  if (!row) throw new NotFound('Git platform');
  const host = gitHostOf(row.baseUrl) ?? '';
  const problem = await hostProblem(host, privateHosts);
  if (problem) throw new Conflict(`The platform's address is refused: ${problem}`);
  const { row: credential, secret } = await revealSecret(db, secrets, row.credentialId);
  if (credential.boundHost !== host) throw new Conflict(`Credential "${credential.name}" is bound to ${credential.boundHost ?? 'no host'}; it is never sent to ${host}`);
  const result = await checkToken(row.kind, row.baseUrl, secret);
  const updated = await db.gitPlatform.update({
    where: { id },
    data: { checkedAt: new Date(), checkOk: result.ok, checkMessage: result.message.slice(0, 1000), tokenUser: result.user, tokenScopes: result.scopes.slice(0, 50).map((s) => s.slice(0, 64)) },
    include: withCredential,
  });
  await recordAudit(db, ctx, { action: 'git_platform.test', resourceType: 'git_platform', resourceId: id, details: { name: row.name, ok: result.ok } });
  return gitPlatformView(updated);
}

/** Starts a sync of the platform's projects in the background; the view shows it running. */
export async function startSync({ db, ctx, syncs }: { db: Db; ctx: RequestContext; syncs: SyncRunner }, { id, mode }: { id: string; mode: SyncMode }) {
  const row = await db.gitPlatform.findUnique({ where: { id } });
  if (!row) throw new NotFound('Git platform');
  if (!(await syncs.start(id, mode))) {
    const since = (await db.gitPlatform.findUniqueOrThrow({ where: { id }, select: { syncRunningSince: true } })).syncRunningSince;
    throw new Conflict(`A sync of "${row.name}" is running${since ? ` since ${since.toISOString()}` : ''}; wait for it to end`);
  }
  await recordAudit(db, ctx, { action: 'git_platform.sync', resourceType: 'git_platform', resourceId: id, details: { name: row.name, mode } });
  return getGitPlatform({ db }, { id });
}
