import type { Static } from 'typebox';
import type { Credential, Prisma } from '../generated/prisma/client.js';
import { auditChanges, type FieldPolicy } from '../audit/changes.js';
import { recordAudit } from '../audit/service.js';
import type { Actor, RequestContext } from '../plugins/app/auth/actor.js';
import type { Db, DbTx } from '../shared/db.js';
import { Conflict, Invalid, NotFound } from '../shared/errors.js';
import { pageArgs } from '../shared/pagination.js';
import { SecretBoxError, type SecretBox } from '../shared/secret-box.js';
import type { CreateCredentialBody, CredentialQuery, UpdateCredentialBody } from '@rp/contract/credentials';
import { generateEd25519, parsePrivateKey } from './ssh-keys.js';
import { assertWritable } from '../archive/service.js';

/** The one place a credential row becomes an API object: `secret` never gets past here. */
export const credentialView = (row: Credential) => ({
  id: row.id,
  groupId: row.groupId,
  name: row.name,
  description: row.description,
  kind: row.kind,
  username: row.username,
  publicKey: row.publicKey,
  fingerprint: row.fingerprint,
  boundHost: row.boundHost,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

interface WriteDeps {
  db: Db;
  ctx: RequestContext;
}

/** Members see their groups' credentials and the global ones (to pick them); administrators see all. */
export async function listCredentials({ db, actor }: { db: Db; actor: Actor }, query: Static<typeof CredentialQuery>) {
  const visible: Prisma.CredentialWhereInput = actor.isAdmin ? {} : { OR: [{ groupId: { in: [...actor.roles.keys()] } }, { groupId: null }] };
  const filter: Prisma.CredentialWhereInput = { name: query.q ? { contains: query.q, mode: 'insensitive' } : undefined, kind: query.kind };
  if (query.global === true) filter.groupId = null;
  else if (query.groupId) filter.groupId = query.groupId;
  else if (query.global === false) filter.groupId = { not: null };
  const where: Prisma.CredentialWhereInput = { AND: [visible, filter] };
  const [rows, total] = await Promise.all([
    db.credential.findMany({ where, orderBy: [{ name: 'asc' }, { id: 'asc' }], ...pageArgs(query.page, query.pageSize) }),
    db.credential.count({ where }),
  ]);
  return { items: rows.map(credentialView), total, page: query.page, pageSize: query.pageSize };
}

export async function getCredential({ db }: { db: Db }, { id }: { id: string }) {
  const row = await db.credential.findUnique({ where: { id } });
  if (!row) throw new NotFound('Credential');
  return credentialView(row);
}

/** PostgreSQL treats NULL group ids as distinct, so uniqueness of global names is checked here. */
async function assertNameFree(tx: DbTx, groupId: string | null, name: string, exceptId?: string) {
  const clash = await tx.credential.findFirst({ where: { groupId, name } });
  if (clash && clash.id !== exceptId) throw new Conflict(`Credential "${name}" already exists here`, [{ field: 'name', message: 'already exists' }]);
}

/** Host names compare as git connects to them: case-insensitive, IPv6 without brackets. */
const normaliseHost = (host: string) => host.toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');

function secretFields(box: SecretBox, input: Static<typeof CreateCredentialBody>) {
  if (input.kind === 'ssh_key') {
    if (input.token !== undefined || input.username !== undefined) throw new Invalid('body.token', 'only git_token credentials have a username or token');
    if (input.boundHost !== undefined) throw new Invalid('body.boundHost', 'only git_token credentials are bound to a Git host');
    if ((input.privateKey === undefined) === (input.generate !== true)) throw new Invalid('body.privateKey', 'upload a private key or set generate: true (one of them)');
    const key = input.privateKey !== undefined ? parsePrivateKey(input.privateKey) : generateEd25519(`release-platform:${input.name}`);
    return { publicKey: key.publicKey, fingerprint: key.fingerprint, username: null, secret: box.encrypt(key.privateKey) };
  }
  if (input.privateKey !== undefined || input.generate !== undefined) throw new Invalid('body.privateKey', 'only ssh_key credentials have a private key');
  if (input.token === undefined) throw new Invalid('body.token', 'is required for a git_token credential');
  return {
    publicKey: null,
    fingerprint: null,
    username: input.username ?? null,
    secret: box.encrypt(input.token),
    // Unset, the token is bound to the host of the first project that uses it (projects/service.ts).
    boundHost: input.boundHost === undefined ? null : normaliseHost(input.boundHost),
  };
}

export async function createCredential({ db, secrets, ctx }: WriteDeps & { secrets: SecretBox }, input: Static<typeof CreateCredentialBody>) {
  const groupId = input.groupId ?? null;
  const fields = secretFields(secrets, input);
  return db.$transaction(async (tx) => {
    if (groupId) await assertWritable(tx, 'group', groupId);
    await assertNameFree(tx, groupId, input.name);
    const row = await tx.credential.create({ data: { groupId, name: input.name, description: input.description ?? '', kind: input.kind, ...fields } });
    await recordAudit(tx, ctx, {
      action: 'credential.create',
      resourceType: 'credential',
      resourceId: row.id,
      details: { name: row.name, kind: row.kind, groupId, fingerprint: row.fingerprint, boundHost: row.boundHost, generated: input.generate === true },
    });
    return credentialView(row);
  });
}

const AUDITED: FieldPolicy = { plain: ['name', 'description', 'username', 'boundHost', 'publicKey', 'fingerprint'], secret: ['privateKey', 'token'] };

/** The secret under the name the form gives it; the log shows only that it changed, never even its ciphertext. */
const auditedRow = (row: Credential) => ({ ...row, [row.kind === 'ssh_key' ? 'privateKey' : 'token']: row.secret });

export async function updateCredential(
  { db, secrets, ctx }: WriteDeps & { secrets: SecretBox },
  { id, changes }: { id: string; changes: Static<typeof UpdateCredentialBody> },
) {
  return db.$transaction(async (tx) => {
    const before = await tx.credential.findUnique({ where: { id } });
    if (!before) throw new NotFound('Credential');
    if (changes.name) await assertNameFree(tx, before.groupId, changes.name, id);
    const data: Prisma.CredentialUpdateInput = { name: changes.name, description: changes.description };
    if (before.kind === 'ssh_key') {
      if (changes.token !== undefined || changes.username !== undefined) throw new Invalid('body.token', 'only git_token credentials have a username or token');
      if (changes.boundHost !== undefined) throw new Invalid('body.boundHost', 'only git_token credentials are bound to a Git host');
      if (changes.privateKey !== undefined) {
        const key = parsePrivateKey(changes.privateKey);
        Object.assign(data, { publicKey: key.publicKey, fingerprint: key.fingerprint, secret: secrets.encrypt(key.privateKey) });
      }
    } else {
      if (changes.privateKey !== undefined) throw new Invalid('body.privateKey', 'only ssh_key credentials have a private key');
      if (changes.token !== undefined) data.secret = secrets.encrypt(changes.token);
      data.username = changes.username;
      if (changes.boundHost !== undefined) data.boundHost = await rebind(tx, id, normaliseHost(changes.boundHost));
    }
    const row = await tx.credential.update({ where: { id }, data });
    await recordAudit(tx, ctx, {
      action: 'credential.update',
      resourceType: 'credential',
      resourceId: id,
      details: { name: row.name, changes: auditChanges(auditedRow(before), auditedRow(row), AUDITED) },
    });
    return credentialView(row);
  });
}

/** A token may be bound to another host only while no project sends it to its current one. */
async function rebind(tx: DbTx, id: string, host: string): Promise<string> {
  const projects = await tx.project.findMany({ where: { gitCredentialId: id }, select: { name: true, gitUrl: true } });
  const platforms = await tx.gitPlatform.findMany({ where: { credentialId: id }, select: { name: true, baseUrl: true } });
  const users = [...projects.map((p) => ({ what: `project "${p.name}"`, url: p.gitUrl })), ...platforms.map((p) => ({ what: `Git platform "${p.name}"`, url: p.baseUrl }))];
  const elsewhere = users.filter((u) => !URL.canParse(u.url) || normaliseHost(new URL(u.url).hostname) !== host);
  if (elsewhere.length > 0) {
    throw new Conflict(`${elsewhere.map((u) => u.what).join(', ')} use this token on another host; change them first`, [{ field: 'boundHost', message: 'used elsewhere' }]);
  }
  return host;
}

/**
 * A token is bound to the host of the first project or Git platform that uses it, so one pointed at another server
 * (its owner's own, say) cannot make the platform send it there. Returns the host it is bound to, which a concurrent
 * first use may have set first.
 */
export async function bindCredential(db: DbTx, id: string, host: string): Promise<string> {
  const { count } = await db.credential.updateMany({ where: { id, boundHost: null }, data: { boundHost: host } });
  if (count === 1) return host;
  return (await db.credential.findUniqueOrThrow({ where: { id }, select: { boundHost: true } })).boundHost ?? host;
}

export async function deleteCredential({ db, ctx }: WriteDeps, { id }: { id: string }) {
  await db.$transaction(async (tx) => {
    const row = await tx.credential.findUnique({ where: { id }, include: { _count: { select: { servers: true, projects: true, platforms: true } } } });
    if (!row) throw new NotFound('Credential');
    const { servers, projects, platforms } = row._count;
    if (servers > 0 || projects > 0 || platforms > 0) {
      throw new Conflict(`Credential "${row.name}" is used by ${servers} server(s), ${projects} project(s) and ${platforms} Git platform(s)`);
    }
    await tx.credential.delete({ where: { id } });
    await recordAudit(tx, ctx, { action: 'credential.delete', resourceType: 'credential', resourceId: id, details: { name: row.name, kind: row.kind, groupId: row.groupId } });
  });
}

/** Decrypted secret for the engine; callers keep it in memory only and never put it in a response or log. */
export async function revealSecret(db: DbTx, box: SecretBox, id: string): Promise<{ row: Credential; secret: string }> {
  const row = await db.credential.findUnique({ where: { id } });
  if (!row) throw new NotFound('Credential');
  try {
    return { row, secret: box.decrypt(row.secret) };
  } catch (error) {
    if (!(error instanceof SecretBoxError)) throw error;
    // The usual cause is a changed SECRET_KEY or a lost DATA_DIR/secret.key: say so instead of a bare 500.
    throw new Conflict(`Credential "${row.name}" cannot be decrypted with this installation's master key (was SECRET_KEY changed?); store its secret again`);
  }
}
