import type { Transport } from '@rp/deploy-engine';
import type { Static } from 'typebox';
import type { Prisma } from '../generated/prisma/client.js';
import { auditChanges, type FieldPolicy } from '../audit/changes.js';
import { recordAudit } from '../audit/service.js';
import type { Actor, RequestContext } from '../plugins/app/auth/actor.js';
import { revealSecret } from '../credentials/service.js';
import type { Db, DbTx } from '../shared/db.js';
import { Conflict, Invalid, NotFound } from '../shared/errors.js';
import { pageArgs } from '../shared/pagination.js';
import type { SecretBox } from '../shared/secret-box.js';
import type { CreateServerBody, ServerQuery, UpdateServerBody } from '@rp/contract/servers';
import { assertWritable } from '../archive/service.js';

type ServerRow = Prisma.ServerGetPayload<{ include: { credential: { select: { name: true } } } }>;
const withCredential = { credential: { select: { name: true } } } as const;

const AUDITED: FieldPolicy = { plain: ['name', 'description', 'host', 'port', 'username', 'credential', 'labels', 'hostKeyFingerprint', 'buildAgent', 'sudo'] };

/** The SSH key by name: the entry stays readable after the key is renamed or deleted. */
const auditedRow = (row: ServerRow) => ({ ...row, credential: row.credential.name });

interface WriteDeps {
  db: Db;
  ctx: RequestContext;
}

const view = (row: ServerRow) => ({
  id: row.id,
  groupId: row.groupId,
  name: row.name,
  description: row.description,
  host: row.host,
  port: row.port,
  username: row.username,
  credentialId: row.credentialId,
  credentialName: row.credential.name,
  labels: row.labels,
  hostKeyFingerprint: row.hostKeyFingerprint,
  buildAgent: row.buildAgent,
  sudo: row.sudo,
  lastTest:
    row.lastTestAt && row.lastTestOk !== null
      ? { at: row.lastTestAt.toISOString(), ok: row.lastTestOk, errorCode: row.lastTestErrorCode, error: row.lastTestError }
      : null,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

export async function listServers({ db, actor }: { db: Db; actor: Actor }, query: Static<typeof ServerQuery>) {
  const where: Prisma.ServerWhereInput = {
    AND: [
      actor.isAdmin ? {} : { groupId: { in: [...actor.roles.keys()] } },
      {
        groupId: query.groupId,
        labels: query.label ? { has: query.label } : undefined,
        buildAgent: query.buildAgent,
        OR: query.q ? [{ name: { contains: query.q, mode: 'insensitive' } }, { host: { contains: query.q, mode: 'insensitive' } }] : undefined,
      },
    ],
  };
  const [rows, total] = await Promise.all([
    db.server.findMany({ where, include: withCredential, orderBy: [{ name: 'asc' }, { id: 'asc' }], ...pageArgs(query.page, query.pageSize) }),
    db.server.count({ where }),
  ]);
  return { items: rows.map(view), total, page: query.page, pageSize: query.pageSize };
}

export async function getServer({ db }: { db: Db }, { id }: { id: string }) {
  const row = await db.server.findUnique({ where: { id }, include: withCredential });
  if (!row) throw new NotFound('Server');
  return view(row);
}

/** A server logs in with an SSH key of its own group or a global one, never another group's. */
async function assertUsableKey(tx: DbTx, groupId: string, credentialId: string) {
  const credential = await tx.credential.findUnique({ where: { id: credentialId } });
  if (!credential || (credential.groupId !== null && credential.groupId !== groupId)) {
    throw new Invalid('body.credentialId', 'must be a credential of the server\'s group or a global one');
  }
  if (credential.kind !== 'ssh_key') throw new Invalid('body.credentialId', 'must be an SSH key credential');
}

async function assertNameFree(tx: DbTx, groupId: string, name: string, exceptId?: string) {
  const clash = await tx.server.findUnique({ where: { groupId_name: { groupId, name } } });
  if (clash && clash.id !== exceptId) throw new Conflict(`Server "${name}" already exists in this group`, [{ field: 'name', message: 'already exists' }]);
}

/** A build agent runs other people's builds and a target runs releases; one server never does both. */
async function assertRoleChangeable(tx: DbTx, server: { id: string; name: string }, toAgent: boolean) {
  if (toAgent) {
    const used = await tx.environmentServer.count({ where: { serverId: server.id } });
    if (used > 0) throw new Conflict(`Server "${server.name}" is a target of ${used} environment(s); remove it there before making it a build agent`);
  } else await assertBuildsNothing(tx, server);
}

async function assertBuildsNothing(tx: DbTx, server: { id: string; name: string }) {
  const builds = await tx.project.count({ where: { buildAgentId: server.id } });
  if (builds > 0) throw new Conflict(`Server "${server.name}" builds ${builds} project(s); choose another build agent for them first`);
}

export async function createServer({ db, ctx }: WriteDeps, input: Static<typeof CreateServerBody>) {
  return db.$transaction(async (tx) => {
    await assertWritable(tx, 'group', input.groupId);
    await assertUsableKey(tx, input.groupId, input.credentialId);
    await assertNameFree(tx, input.groupId, input.name);
    const row = await tx.server.create({
      data: {
        groupId: input.groupId,
        name: input.name,
        description: input.description ?? '',
        host: input.host,
        port: input.port ?? 22,
        username: input.username,
        credentialId: input.credentialId,
        labels: input.labels ?? [],
        hostKeyFingerprint: input.hostKeyFingerprint ?? null,
        buildAgent: input.buildAgent ?? false,
        sudo: input.sudo ?? false,
      },
      include: withCredential,
    });
    await recordAudit(tx, ctx, { action: 'server.create', resourceType: 'server', resourceId: row.id, details: { ...input } });
    return view(row);
  });
}

export async function updateServer({ db, ctx }: WriteDeps, { id, changes }: { id: string; changes: Static<typeof UpdateServerBody> }) {
  return db.$transaction(async (tx) => {
    const before = await tx.server.findUnique({ where: { id }, include: withCredential });
    if (!before) throw new NotFound('Server');
    if (changes.credentialId) await assertUsableKey(tx, before.groupId, changes.credentialId);
    if (changes.name) await assertNameFree(tx, before.groupId, changes.name, id);
    if (changes.buildAgent !== undefined && changes.buildAgent !== before.buildAgent) await assertRoleChangeable(tx, before, changes.buildAgent);
    const row = await tx.server.update({ where: { id }, data: changes, include: withCredential });
    await recordAudit(tx, ctx, { action: 'server.update', resourceType: 'server', resourceId: id, details: { name: row.name, changes: auditChanges(auditedRow(before), auditedRow(row), AUDITED) } });
    return view(row);
  });
}

export async function deleteServer({ db, ctx }: WriteDeps, { id }: { id: string }) {
  await db.$transaction(async (tx) => {
    const row = await tx.server.findUnique({
      where: { id },
      include: { environments: { include: { environment: { select: { name: true } } } }, _count: { select: { releaseTargets: true } } },
    });
    if (!row) throw new NotFound('Server');
    await assertBuildsNothing(tx, row);
    if (row.environments.length > 0) {
      const names = row.environments.map((e) => e.environment.name).join(', ');
      throw new Conflict(`Server "${row.name}" is used by environment(s) ${names}; remove it there first`);
    }
    // Release history names its servers; deleting one would rewrite what was shipped where.
    if (row._count.releaseTargets > 0) throw new Conflict(`Server "${row.name}" appears in ${row._count.releaseTargets} release(s) and cannot be deleted`);
    await tx.server.delete({ where: { id } });
    await recordAudit(tx, ctx, { action: 'server.delete', resourceType: 'server', resourceId: id, details: { name: row.name, host: row.host } });
  });
}

export async function resetHostKey({ db, ctx }: WriteDeps, { id }: { id: string }) {
  return db.$transaction(async (tx) => {
    const before = await tx.server.findUnique({ where: { id } });
    if (!before) throw new NotFound('Server');
    const row = await tx.server.update({ where: { id }, data: { hostKeyFingerprint: null }, include: withCredential });
    await recordAudit(tx, ctx, { action: 'server.host_key_reset', resourceType: 'server', resourceId: id, details: { previous: before.hostKeyFingerprint } });
    return view(row);
  });
}

const TEST_COMMAND_TIMEOUT_MS = 15_000;

/**
 * Logs in and runs `uname -a`. Failures are results, not errors: an unreachable host is what the operator is
 * checking for. A server without a pinned key gets the one it presented (trust on first use).
 */
/** The outcome stays on the server's row, so the list still shows it after a reload, until the next test. */
async function rememberTest(tx: DbTx, id: string, result: { ok: boolean; errorCode?: string; error?: string }): Promise<void> {
  await tx.server.update({
    where: { id },
    data: { lastTestAt: new Date(), lastTestOk: result.ok, lastTestErrorCode: result.errorCode ?? null, lastTestError: result.error?.slice(0, 2000) ?? null },
  });
}

export async function testConnection({ db, secrets, ssh, ctx }: WriteDeps & { secrets: SecretBox; ssh: Transport }, { id }: { id: string }) {
  const server = await db.server.findUnique({ where: { id } });
  if (!server) throw new NotFound('Server');
  const { secret } = await revealSecret(db, secrets, server.credentialId);
  let learned: string | undefined;
  const started = performance.now();
  const connected = await ssh.connect(
    { host: server.host, port: server.port, username: server.username, privateKey: secret, ...(server.hostKeyFingerprint ? { hostKeyFingerprint: server.hostKeyFingerprint } : {}) },
    // A kept connection would prove only that the server answered a while ago.
    { onHostKeyLearned: (fingerprint) => (learned = fingerprint), fresh: true },
  );
  const elapsed = () => Math.round(performance.now() - started);
  if (!connected.ok) {
    const result = { ok: false, latencyMs: elapsed(), fingerprint: null, learned: false, errorCode: connected.error.code, error: connected.error.message };
    await db.$transaction(async (tx) => {
      await rememberTest(tx, id, result);
      await recordAudit(tx, ctx, { action: 'server.test', resourceType: 'server', resourceId: id, success: false, details: { errorCode: result.errorCode, error: result.error } });
    });
    return result;
  }
  const outcome = await connected.connection.exec('uname -a', { timeoutMs: TEST_COMMAND_TIMEOUT_MS }).finally(() => connected.connection.close());
  const latencyMs = elapsed();
  const ok = outcome.exitCode === 0;
  return db.$transaction(async (tx) => {
    // Conditional: if a concurrent test pinned a key first, that pin stands and this one is not recorded as learned.
    const pinned = learned ? (await tx.server.updateMany({ where: { id, hostKeyFingerprint: null }, data: { hostKeyFingerprint: learned } })).count === 1 : false;
    if (pinned) await recordAudit(tx, ctx, { action: 'server.host_key_learn', resourceType: 'server', resourceId: id, details: { fingerprint: learned ?? null } });
    await recordAudit(tx, ctx, { action: 'server.test', resourceType: 'server', resourceId: id, success: ok, details: { latencyMs, exitCode: outcome.exitCode } });
    const result = { ok, latencyMs, fingerprint: learned ?? server.hostKeyFingerprint, learned: pinned, output: outcome.stdout.trim().slice(0, 1000) };
    const answer = ok ? result : { ...result, errorCode: 'command-failed', error: `uname -a ${outcome.reason ?? `exited with ${outcome.exitCode}`}: ${outcome.stderrTail.trim()}` };
    await rememberTest(tx, id, answer);
    return answer;
  });
}
