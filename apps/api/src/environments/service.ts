import type { Static } from 'typebox';
import type { Environment, Prisma } from '../generated/prisma/client.js';
import { archivedAtOf, archivedFilter, assertWritable } from '../archive/service.js';
import { auditChanges, type FieldPolicy } from '../audit/changes.js';
import { recordAudit } from '../audit/service.js';
import type { RequestContext } from '../plugins/app/auth/actor.js';
import type { Db, DbTx } from '../shared/db.js';
import { Conflict, Invalid, NotFound } from '../shared/errors.js';
import { pageArgs } from '../shared/pagination.js';
import type { SecretBox } from '../shared/secret-box.js';
import { SECRET_MASK, type CreateEnvironmentBody, type EnvironmentQuery, type RolloutInput, type UpdateEnvironmentBody, type VariableInput } from '@rp/contract/environments';
import { autoReleaseOf, checkedAutoRelease } from './auto-release.js';
import { checkedPolicy, policyOf } from './policy.js';
import { deployPathProblem } from './deploy-path.js';
import { isInsideWindow, isValidTimeZone, localClock, type ReleaseWindow } from './windows.js';

/** As stored: a secret variable's value is secret-box ciphertext. */
interface StoredVariable {
  key: string;
  value: string;
  secret: boolean;
}

export type Rollout = {
  strategy: 'parallel' | 'serial' | 'batches';
  concurrency: number;
  batches: (number | string)[];
  betweenBatches: { mode: 'auto'; seconds: number } | { mode: 'manual' };
  failure: { tolerate: number };
  autoRollback: boolean;
};

type EnvironmentRow = Environment & {
  servers: { server: { id: string; name: string; host: string } }[];
  project: { archivedAt: Date | null; group: { archivedAt: Date | null } };
};
const withServers = {
  servers: { include: { server: { select: { id: true, name: true, host: true } } } },
  project: { select: { archivedAt: true, group: { select: { archivedAt: true } } } },
} as const;

const storedVariables = (json: Prisma.JsonValue) => (Array.isArray(json) ? (json as unknown as StoredVariable[]) : []);

const view = (row: EnvironmentRow) => ({
  id: row.id,
  projectId: row.projectId,
  name: row.name,
  deployPath: row.deployPath,
  servers: row.servers.map((s) => s.server).sort((a, b) => a.name.localeCompare(b.name)),
  variables: storedVariables(row.variables).map((v) => ({ key: v.key, value: v.secret ? SECRET_MASK : v.value, secret: v.secret })),
  rollout: row.rollout as Rollout,
  requireApproval: row.requireApproval,
  rollbackNeedsApproval: row.rollbackNeedsApproval,
  releaseWindows: row.releaseWindows as unknown as ReleaseWindow[],
  timezone: row.timezone,
  policy: policyOf(row.policy),
  autoRelease: autoReleaseOf(row.autoRelease),
  offlineScript: row.offlineScript,
  onlineScript: row.onlineScript,
  drainSeconds: row.drainSeconds,
  serverSelector: row.serverSelector,
  archivedAt: archivedAtOf(row.archivedAt, row.project.archivedAt, row.project.group.archivedAt),
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

/** The variables as a dry run shows them: secrets masked, never decrypted. */
export function maskedVariables(json: Prisma.JsonValue): Record<string, string> {
  return Object.fromEntries(storedVariables(json).map((v) => [v.key, v.secret ? SECRET_MASK : v.value]));
}

/** Plain values for a release's targets (exported to hooks, restart and health check); keep them in memory only. */
export function environmentVariables(box: SecretBox, json: Prisma.JsonValue): Record<string, string> {
  return Object.fromEntries(storedVariables(json).map((v) => [v.key, v.secret ? box.decrypt(v.value) : v.value]));
}

function mergeVariables(box: SecretBox, input: Static<typeof VariableInput>[], before: StoredVariable[]): StoredVariable[] {
  const seen = new Set<string>();
  return input.map((variable, index) => {
    if (seen.has(variable.key)) throw new Invalid(`body.variables.${index}.key`, `"${variable.key}" appears twice`);
    seen.add(variable.key);
    const secret = variable.secret === true;
    if (secret && (variable.value === undefined || variable.value === SECRET_MASK)) {
      // The SPA sends back the mask it was shown: that means "unchanged", never the literal value "******".
      const kept = before.find((v) => v.key === variable.key && v.secret);
      if (!kept) throw new Invalid(`body.variables.${index}.value`, 'is required for a new secret variable');
      return kept;
    }
    if (variable.value === undefined) throw new Invalid(`body.variables.${index}.value`, 'is required');
    return { key: variable.key, value: secret ? box.encrypt(variable.value) : variable.value, secret };
  });
}

function normaliseRollout(input: Static<typeof RolloutInput> | undefined): Rollout {
  const strategy = input?.strategy ?? 'parallel';
  if (strategy === 'batches' && !input?.batches) throw new Invalid('body.rollout.batches', 'is required for the batches strategy');
  if (strategy !== 'batches' && (input?.batches || input?.betweenBatches)) throw new Invalid('body.rollout.batches', 'only applies to the batches strategy');
  return {
    strategy,
    concurrency: strategy === 'serial' ? 1 : (input?.concurrency ?? 5),
    batches: input?.batches ?? [],
    betweenBatches: input?.betweenBatches ?? { mode: 'manual' },
    failure: input?.failure ?? { tolerate: 0 },
    autoRollback: input?.autoRollback ?? true,
  };
}

interface Checked {
  deployPath?: string;
  serverIds?: string[];
  releaseWindows?: ReleaseWindow[];
  timezone?: string;
}

async function check(tx: DbTx, groupId: string, input: Checked) {
  if (input.deployPath !== undefined) {
    const problem = deployPathProblem(input.deployPath);
    if (problem) throw new Invalid('body.deployPath', problem);
  }
  if (input.timezone !== undefined && !isValidTimeZone(input.timezone)) throw new Invalid('body.timezone', `"${input.timezone}" is not a known time zone`);
  input.releaseWindows?.forEach((w, index) => {
    if (w.start === w.end) throw new Invalid(`body.releaseWindows.${index}.end`, 'must differ from start');
  });
  if (input.serverIds?.length) {
    const found = await tx.server.findMany({ where: { id: { in: input.serverIds }, groupId }, select: { id: true, name: true, buildAgent: true } });
    const missing = input.serverIds.filter((id) => !found.some((s) => s.id === id));
    if (missing.length) throw new Invalid('body.serverIds', `not servers of the project's group: ${missing.join(', ')}`);
    const agents = found.filter((s) => s.buildAgent).map((s) => s.name);
    if (agents.length) throw new Invalid('body.serverIds', `build agents are never release targets: ${agents.join(', ')}`);
  }
}

async function assertNameFree(tx: DbTx, projectId: string, name: string, exceptId?: string) {
  const clash = await tx.environment.findUnique({ where: { projectId_name: { projectId, name } } });
  if (clash && clash.id !== exceptId) throw new Conflict(`Environment "${name}" already exists in this project`, [{ field: 'name', message: 'already exists' }]);
}

/** A new environment's audit entry: variables are listed by key, since some are secrets; scripts (up to 64 KB) by their start. */
function auditSummary(input: Static<typeof UpdateEnvironmentBody>) {
  const { variables, offlineScript, onlineScript, ...rest } = input;
  return {
    ...rest,
    ...(variables ? { variables: variables.map((v) => v.key) } : {}),
    ...(offlineScript !== undefined ? { offlineScript: offlineScript.slice(0, 200) } : {}),
    ...(onlineScript !== undefined ? { onlineScript: onlineScript.slice(0, 200) } : {}),
  } as Prisma.InputJsonObject;
}

const AUDITED: FieldPolicy = {
  plain: [
    'name', 'deployPath', 'servers', 'rollout', 'requireApproval', 'rollbackNeedsApproval', 'releaseWindows', 'timezone', 'policy', 'autoRelease',
    'offlineScript', 'onlineScript', 'drainSeconds', 'serverSelector',
  ],
  keyed: ['variables'],
};

/** Servers by name, in a stable order, so only a real change of targets shows. */
const auditedRow = (row: Environment & { servers: { server: { name: string } }[] }) => ({ ...row, servers: row.servers.map((s) => s.server.name).sort() });

const deployPathOf = (path: string) => path.replace(/\/+$/, '');

interface WriteDeps {
  db: Db;
  ctx: RequestContext;
}

export async function listEnvironments({ db }: { db: Db }, { projectId, ...query }: { projectId: string } & Static<typeof EnvironmentQuery>) {
  if (!(await db.project.findUnique({ where: { id: projectId } }))) throw new NotFound('Project');
  const where: Prisma.EnvironmentWhereInput = { projectId, name: query.q ? { contains: query.q, mode: 'insensitive' } : undefined, ...archivedFilter('environment', query.archived) };
  const [rows, total] = await Promise.all([
    db.environment.findMany({ where, include: withServers, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], ...pageArgs(query.page, query.pageSize) }),
    db.environment.count({ where }),
  ]);
  return { items: rows.map(view), total, page: query.page, pageSize: query.pageSize };
}

export async function getEnvironment({ db }: { db: Db }, { id }: { id: string }) {
  const row = await db.environment.findUnique({ where: { id }, include: withServers });
  if (!row) throw new NotFound('Environment');
  return view(row);
}

/** Every host a release takes out of the load balancer must be put back: an offline script needs an online one. */
function checkTraffic(offlineScript: string, onlineScript: string): void {
  if (offlineScript.trim() && !onlineScript.trim()) {
    throw new Invalid('onlineScript', 'is required when offlineScript is set; without it every host a release takes out of the load balancer stays out');
  }
}

export async function createEnvironment({ db, secrets, ctx }: WriteDeps & { secrets: SecretBox }, { projectId, environment: input }: { projectId: string; environment: Static<typeof CreateEnvironmentBody> }) {
  return db.$transaction(async (tx) => {
    await assertWritable(tx, 'project', projectId);
    const project = await tx.project.findUnique({ where: { id: projectId } });
    if (!project) throw new NotFound('Project');
    await check(tx, project.groupId, input);
    checkTraffic(input.offlineScript ?? '', input.onlineScript ?? '');
    await assertNameFree(tx, projectId, input.name);
    const row = await tx.environment.create({
      data: {
        projectId,
        name: input.name,
        deployPath: deployPathOf(input.deployPath),
        variables: mergeVariables(secrets, input.variables ?? [], []) as unknown as Prisma.InputJsonArray,
        rollout: normaliseRollout(input.rollout),
        requireApproval: input.requireApproval ?? false,
        rollbackNeedsApproval: input.rollbackNeedsApproval ?? false,
        releaseWindows: input.releaseWindows ?? [],
        timezone: input.timezone ?? 'UTC',
        policy: await checkedPolicy(tx, project.groupId, input.policy ?? {}),
        autoRelease: checkedAutoRelease(input.autoRelease ?? { enabled: false }),
        offlineScript: input.offlineScript ?? '',
        onlineScript: input.onlineScript ?? '',
        drainSeconds: input.drainSeconds ?? 0,
        serverSelector: input.serverSelector ?? null,
        servers: { create: (input.serverIds ?? []).map((serverId) => ({ serverId })) },
      },
      include: withServers,
    });
    await recordAudit(tx, ctx, { action: 'environment.create', resourceType: 'environment', resourceId: row.id, details: { projectId, ...auditSummary(input) } });
    return view(row);
  });
}

export async function updateEnvironment({ db, secrets, ctx }: WriteDeps & { secrets: SecretBox }, { id, changes: input }: { id: string; changes: Static<typeof UpdateEnvironmentBody> }) {
  return db.$transaction(async (tx) => {
    await assertWritable(tx, 'environment', id);
    const before = await tx.environment.findUnique({ where: { id }, include: { project: { select: { groupId: true } }, servers: { select: { server: { select: { name: true } } } } } });
    if (!before) throw new NotFound('Environment');
    await check(tx, before.project.groupId, input);
    checkTraffic(input.offlineScript ?? before.offlineScript, input.onlineScript ?? before.onlineScript);
    if (input.name) await assertNameFree(tx, before.projectId, input.name, id);
    const { serverIds, variables, rollout, deployPath, policy, autoRelease, ...rest } = input;
    const row = await tx.environment.update({
      where: { id },
      data: {
        ...rest,
        ...(deployPath !== undefined ? { deployPath: deployPathOf(deployPath) } : {}),
        ...(variables ? { variables: mergeVariables(secrets, variables, storedVariables(before.variables)) as unknown as Prisma.InputJsonArray } : {}),
        ...(rollout ? { rollout: normaliseRollout(rollout) } : {}),
        ...(policy ? { policy: await checkedPolicy(tx, before.project.groupId, policy) } : {}),
        ...(autoRelease ? { autoRelease: checkedAutoRelease(autoRelease) } : {}),
        ...(serverIds ? { servers: { deleteMany: {}, create: serverIds.map((serverId) => ({ serverId })) } } : {}),
      },
      include: withServers,
    });
    const changes = auditChanges(auditedRow(before), auditedRow(row), AUDITED);
    await recordAudit(tx, ctx, { action: 'environment.update', resourceType: 'environment', resourceId: id, details: { name: row.name, changes } });
    return view(row);
  });
}

export async function windowStatus({ db }: { db: Db }, { id, now = new Date() }: { id: string; now?: Date }) {
  const row = await db.environment.findUnique({ where: { id } });
  if (!row) throw new NotFound('Environment');
  const windows = row.releaseWindows as unknown as ReleaseWindow[];
  return {
    inside: isInsideWindow(windows, row.timezone, now),
    restricted: windows.length > 0,
    timezone: row.timezone,
    now: now.toISOString(),
    localTime: localClock(row.timezone, now).text,
    windows,
  };
}
