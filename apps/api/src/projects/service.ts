import { listCommits, listRefs, PlanValidationError, type Compression, type GitCredential } from '@rp/deploy-engine';
import type { Static } from 'typebox';
import { Prisma, type Project } from '../generated/prisma/client.js';
import { archivedAtOf, archivedFilter, assertWritable } from '../archive/service.js';
import { assertBuildAgent } from './build-agent.js';
import { auditChanges, flattened, type FieldPolicy } from '../audit/changes.js';
import { recordAudit } from '../audit/service.js';
import type { Actor, RequestContext } from '../plugins/app/auth/actor.js';
import { bindCredential, revealSecret } from '../credentials/service.js';
import type { Db, DbTx } from '../shared/db.js';
import { BadGateway, Conflict, Invalid, NotFound } from '../shared/errors.js';
import { pageArgs } from '../shared/pagination.js';
import type { SecretBox } from '../shared/secret-box.js';
import { PRESETS, type HealthCheckConfig } from './presets.js';
import { RefLookupError, type GitAccess, type GitLookupCache, type Lookup } from './refs.js';
import { gitlabCommits, gitlabRefs, linkedGitLab, type LinkedGitLab } from './platform-lookups.js';
import { HOOK_STAGES, type CreateProjectBody, type HealthCheckInput, type HookStage, type ProjectQuery, type UpdateProjectBody } from '@rp/contract/projects';
import { gitUrlProblem, relativePathProblem } from './validation.js';
import { gitHostOf, gitUrlPolicyProblem, hostProblem, sshTargetOf, sshUrlProblem, type GitUrlPolicy, type PrivateHosts } from './git-policy.js';
import { pinnedHostKeys } from '../git-hosts/service.js';
import { checkServiceConfig } from '../supervision/config-check.js';
import { serviceConfigOf } from '../supervision/service-spec.js';

type ProjectRow = Project & { _count: { environments: number }; group: { archivedAt: Date | null } };
type Hooks = Partial<Record<HookStage, string>>;
const withCount = { _count: { select: { environments: true } }, group: { select: { archivedAt: true } } } as const;

interface WriteDeps {
  db: Db;
  ctx: RequestContext;
}

/** Creating a project or changing its Git URL also depends on who asks (file:// URLs) and the installation's policy. */
interface ProjectWriteDeps extends WriteDeps {
  actor: Pick<Actor, 'isAdmin'>;
  gitPolicy: GitUrlPolicy;
}

interface GitDeps {
  db: Db;
  secrets: SecretBox;
  gitCache: GitLookupCache;
  privateHosts: PrivateHosts;
  /** Who asks, recorded on a host key this lookup pins. */
  pinnedBy?: string;
}

/** Hooks are stored as a JSON object; only known stages with string scripts are read back. */
export function hooksOf(value: Prisma.JsonValue): Hooks {
  const stored = (value ?? {}) as Record<string, unknown>;
  return Object.fromEntries(HOOK_STAGES.flatMap((stage) => (typeof stored[stage] === 'string' ? [[stage, stored[stage]]] : [])));
}

const view = (row: ProjectRow) => ({
  id: row.id,
  groupId: row.groupId,
  name: row.name,
  description: row.description,
  gitUrl: row.gitUrl,
  gitCredentialId: row.gitCredentialId,
  buildAgentId: row.buildAgentId,
  preset: row.preset,
  buildCommand: row.buildCommand,
  artifactPaths: row.artifactPaths,
  packageCompression: row.packageCompression as Compression,
  sharedDirs: row.sharedDirs,
  sharedFiles: row.sharedFiles,
  keepReleases: row.keepReleases,
  restartCommand: row.restartCommand,
  healthCheck: row.healthCheck as HealthCheckConfig | null,
  hooks: hooksOf(row.hooks),
  service: serviceConfigOf(row.service),
  defaultBranch: row.defaultBranch,
  gitPlatformId: row.gitPlatformId,
  remoteProjectId: row.remoteProjectId?.toString() ?? null,
  environmentCount: row._count.environments,
  archivedAt: archivedAtOf(row.archivedAt, row.group.archivedAt),
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

export async function listProjects({ db, actor }: { db: Db; actor: Actor }, query: Static<typeof ProjectQuery>) {
  const where: Prisma.ProjectWhereInput = {
    AND: [
      actor.isAdmin ? {} : { groupId: { in: [...actor.roles.keys()] } },
      { groupId: query.groupId, name: query.q ? { contains: query.q, mode: 'insensitive' } : undefined },
      archivedFilter('project', query.archived),
    ],
  };
  const [rows, total] = await Promise.all([
    db.project.findMany({ where, include: withCount, orderBy: [{ name: 'asc' }, { id: 'asc' }], ...pageArgs(query.page, query.pageSize) }),
    db.project.count({ where }),
  ]);
  return { items: rows.map(view), total, page: query.page, pageSize: query.pageSize };
}

export async function getProject({ db }: { db: Db }, { id }: { id: string }) {
  const row = await db.project.findUnique({ where: { id }, include: withCount });
  if (!row) throw new NotFound('Project');
  return view(row);
}

interface Checked {
  gitUrl?: string;
  gitCredentialId?: string | null;
  artifactPaths?: string[];
  sharedDirs?: string[];
  sharedFiles?: string[];
}

async function check(tx: DbTx, groupId: string, input: Checked, current?: Project) {
  if (input.gitUrl !== undefined) {
    const problem = urlProblem(input.gitUrl);
    if (problem) throw new Invalid('body.gitUrl', problem);
  }
  for (const field of ['artifactPaths', 'sharedDirs', 'sharedFiles'] as const) {
    input[field]?.forEach((path, index) => {
      const problem = relativePathProblem(path);
      if (problem) throw new Invalid(`body.${field}.${index}`, problem);
    });
  }
  const credentialId = input.gitCredentialId !== undefined ? input.gitCredentialId : current?.gitCredentialId;
  if (credentialId) {
    const credential = await tx.credential.findUnique({ where: { id: credentialId } });
    if (!credential || (credential.groupId !== null && credential.groupId !== groupId)) {
      throw new Invalid('body.gitCredentialId', 'must be a credential of the project\'s group or a global one');
    }
    const gitUrl = input.gitUrl ?? current?.gitUrl ?? '';
    if (credential.kind === 'ssh_key') {
      if (!sshTargetOf(gitUrl)) throw new Invalid('body.gitCredentialId', 'an ssh_key credential (a deploy key) needs an ssh Git URL (git@host:path or ssh://); https URLs take a git_token credential');
    } else if (!gitUrl.startsWith('https://')) throw new Invalid('body.gitCredentialId', 'a token credential needs an https:// Git URL');
    const host = gitHostOf(gitUrl) ?? '';
    const boundHost = credential.boundHost ?? (await bindCredential(tx, credential.id, host));
    if (boundHost !== host) {
      throw new Invalid('body.gitCredentialId', `credential "${credential.name}" is bound to ${boundHost} and is never sent to ${host}; use a credential for ${host}`);
    }
  }
}

/** Checks of the URL's form: the engine's rules, and no option smuggled into ssh's command line. */
const urlProblem = (url: string) => gitUrlProblem(url) ?? sshUrlProblem(url);

/** file:// only for administrators (unless allowed for all), no metadata or (by default) loopback hosts. */
async function checkGitUrlPolicy({ actor, gitPolicy }: Pick<ProjectWriteDeps, 'actor' | 'gitPolicy'>, gitUrl: string | undefined): Promise<void> {
  if (gitUrl === undefined || urlProblem(gitUrl)) return;
  const problem = await gitUrlPolicyProblem(gitUrl, gitPolicy, actor);
  if (problem) throw new Invalid('body.gitUrl', problem);
}

async function assertNameFree(tx: DbTx, groupId: string, name: string, exceptId?: string) {
  const clash = await tx.project.findUnique({ where: { groupId_name: { groupId, name } } });
  if (clash && clash.id !== exceptId) throw new Conflict(`Project "${name}" already exists in this group`, [{ field: 'name', message: 'already exists' }]);
}

interface Link {
  gitPlatformId?: string | null;
  remoteProjectId?: string | null;
}

/**
 * The Git platform project this one is linked to (set by import): a platform of the project's group or a global one,
 * and a project its last sync found. Returns the columns to write, or nothing when the request leaves the link alone.
 */
async function checkedLink(tx: DbTx, groupId: string, input: Link, current?: Project): Promise<{ gitPlatformId: string | null; remoteProjectId: bigint | null } | undefined> {
  if (input.gitPlatformId === undefined && input.remoteProjectId === undefined) return undefined;
  const platformId = input.gitPlatformId === undefined ? (current?.gitPlatformId ?? null) : input.gitPlatformId;
  const remote = input.remoteProjectId === undefined ? (current?.remoteProjectId?.toString() ?? null) : input.remoteProjectId;
  if (platformId === null) {
    if (remote !== null && input.remoteProjectId !== undefined) throw new Invalid('body.remoteProjectId', 'needs gitPlatformId');
    return { gitPlatformId: null, remoteProjectId: null };
  }
  const platform = await tx.gitPlatform.findUnique({ where: { id: platformId }, select: { groupId: true, name: true } });
  if (!platform || (platform.groupId !== null && platform.groupId !== groupId)) throw new Invalid('body.gitPlatformId', "must be a Git platform of the project's group or a global one");
  if (remote === null) throw new Invalid('body.remoteProjectId', 'is required with gitPlatformId');
  const known = await tx.gitRemoteProject.count({ where: { platformId, remoteId: BigInt(remote) } });
  if (!known) throw new Invalid('body.remoteProjectId', `is not among the projects the last sync of "${platform.name}" found; sync it first`);
  return { gitPlatformId: platformId, remoteProjectId: BigInt(remote) };
}

/** A new project's audit entry; scripts can be 64 KB each, so hooks are listed by stage only. */
function auditSummary(input: Partial<Static<typeof UpdateProjectBody>>) {
  const { hooks, buildCommand, restartCommand, ...rest } = input;
  return {
    ...rest,
    ...(buildCommand !== undefined ? { buildCommand: buildCommand.slice(0, 200) } : {}),
    ...(restartCommand !== undefined ? { restartCommand: restartCommand.slice(0, 200) } : {}),
    ...(hooks ? { hooks: Object.keys(hooks) } : {}),
  } as Prisma.InputJsonObject;
}

const AUDITED: FieldPolicy = {
  plain: [
    'name', 'description', 'gitUrl', 'gitCredentialId', 'buildAgentId', 'preset', 'buildCommand', 'artifactPaths', 'packageCompression', 'sharedDirs',
    'sharedFiles', 'keepReleases', 'restartCommand', 'healthCheck', 'service', 'defaultBranch', 'gitPlatformId', 'remoteProjectId',
    ...HOOK_STAGES.map((stage) => `hooks.${stage}`),
  ],
};

/** What an update changed, each hook compared on its own. */
const projectChanges = (before: Project, after: Project) =>
  auditChanges({ ...before, ...flattened('hooks', hooksOf(before.hooks)) }, { ...after, ...flattened('hooks', hooksOf(after.hooks)) }, AUDITED);

export function normaliseHealthCheck(input: Static<typeof HealthCheckInput>): HealthCheckConfig {
  const tries = { timeoutSeconds: input.timeoutSeconds ?? 5, retries: input.retries ?? 3, intervalSeconds: input.intervalSeconds ?? 2 };
  return input.type === 'http' ? { type: 'http', url: input.url, expectStatus: input.expectStatus ?? 200, ...tries } : { type: 'command', command: input.command, ...tries };
}

const healthCheckData = (value: Static<typeof HealthCheckInput> | null | undefined) =>
  value === null ? { healthCheck: Prisma.DbNull } : value ? { healthCheck: normaliseHealthCheck(value) } : {};

export async function createProject({ db, ctx, ...policy }: ProjectWriteDeps, input: Static<typeof CreateProjectBody>) {
  await checkGitUrlPolicy(policy, input.gitUrl);
  return db.$transaction(async (tx) => {
    await assertWritable(tx, 'group', input.groupId);
    await check(tx, input.groupId, input);
    if (input.buildAgentId) await assertBuildAgent(tx, input.groupId, input.buildAgentId);
    await assertNameFree(tx, input.groupId, input.name);
    const link = await checkedLink(tx, input.groupId, input);
    const preset = PRESETS[input.preset];
    const service = input.service ?? preset.service;
    checkServiceConfig(service);
    const healthCheck = input.healthCheck === undefined ? preset.healthCheck : input.healthCheck && normaliseHealthCheck(input.healthCheck);
    const row = await tx.project.create({
      data: {
        groupId: input.groupId,
        name: input.name,
        description: input.description ?? '',
        gitUrl: input.gitUrl,
        gitCredentialId: input.gitCredentialId ?? null,
        buildAgentId: input.buildAgentId ?? null,
        preset: input.preset,
        buildCommand: input.buildCommand ?? preset.buildCommand,
        artifactPaths: input.artifactPaths ?? preset.artifactPaths,
        packageCompression: input.packageCompression ?? 'gzip',
        sharedDirs: input.sharedDirs ?? preset.sharedDirs,
        sharedFiles: input.sharedFiles ?? preset.sharedFiles,
        keepReleases: input.keepReleases ?? 5,
        restartCommand: input.restartCommand ?? preset.restartCommand,
        ...(healthCheck ? { healthCheck } : {}),
        hooks: input.hooks ?? {},
        service: service as Prisma.InputJsonObject,
        defaultBranch: input.defaultBranch ?? null,
        ...link,
      },
      include: withCount,
    });
    await recordAudit(tx, ctx, { action: 'project.create', resourceType: 'project', resourceId: row.id, details: auditSummary(input) });
    return view(row);
  });
}

export async function updateProject({ db, ctx, ...policy }: ProjectWriteDeps, { id, changes }: { id: string; changes: Static<typeof UpdateProjectBody> }) {
  const current = await db.project.findUnique({ where: { id }, select: { gitUrl: true } });
  // A URL saved before the policy, or by an administrator, stays usable; only a new one is checked.
  if (current && changes.gitUrl !== current.gitUrl) await checkGitUrlPolicy(policy, changes.gitUrl);
  return db.$transaction(async (tx) => {
    await assertWritable(tx, 'project', id);
    const before = await tx.project.findUnique({ where: { id } });
    if (!before) throw new NotFound('Project');
    await check(tx, before.groupId, changes, before);
    if (changes.buildAgentId) await assertBuildAgent(tx, before.groupId, changes.buildAgentId);
    if (changes.name) await assertNameFree(tx, before.groupId, changes.name, id);
    const { hooks, healthCheck, gitCredentialId, buildAgentId, gitPlatformId, remoteProjectId, service, ...rest } = changes;
    if (service) checkServiceConfig(service);
    const link = await checkedLink(tx, before.groupId, { gitPlatformId, remoteProjectId }, before);
    const merged = { ...hooksOf(before.hooks) };
    for (const [stage, script] of Object.entries(hooks ?? {}) as [HookStage, string | null][]) {
      if (script === null) delete merged[stage];
      else merged[stage] = script;
    }
    const row = await tx.project.update({
      where: { id },
      data: {
        ...rest,
        ...healthCheckData(healthCheck),
        ...(gitCredentialId !== undefined ? { gitCredential: gitCredentialId ? { connect: { id: gitCredentialId } } : { disconnect: true } } : {}),
        ...(buildAgentId !== undefined ? { buildAgent: buildAgentId ? { connect: { id: buildAgentId } } : { disconnect: true } } : {}),
        ...(link ? { gitPlatform: link.gitPlatformId ? { connect: { id: link.gitPlatformId } } : { disconnect: true }, remoteProjectId: link.remoteProjectId } : {}),
        ...(hooks ? { hooks: merged } : {}),
        ...(service ? { service: service as Prisma.InputJsonObject } : {}),
      },
      include: withCount,
    });
    await recordAudit(tx, ctx, { action: 'project.update', resourceType: 'project', resourceId: id, details: { name: row.name, changes: projectChanges(before, row) } });
    return view(row);
  });
}

/** Copies a template's script into one hook of the project; later edits of the template do not follow. */
export async function applyHookTemplate({ db, ctx }: WriteDeps, { id, stage, templateId }: { id: string; stage: HookStage; templateId: string }) {
  return db.$transaction(async (tx) => {
    await assertWritable(tx, 'project', id);
    const project = await tx.project.findUnique({ where: { id } });
    if (!project) throw new NotFound('Project');
    const template = await tx.hookTemplate.findUnique({ where: { id: templateId } });
    if (!template || (template.groupId !== null && template.groupId !== project.groupId)) throw new NotFound('Hook template');
    const row = await tx.project.update({ where: { id }, data: { hooks: { ...hooksOf(project.hooks), [stage]: template.script } }, include: withCount });
    await recordAudit(tx, ctx, {
      action: 'project.update',
      resourceType: 'project',
      resourceId: id,
      details: { name: row.name, changes: projectChanges(project, row), fromTemplate: { id: template.id, name: template.name } },
    });
    return view(row);
  });
}

/**
 * The project's Git URL with its credential, and a version that changes whenever the credential or the pinned host
 * key does (a cache key). Checked again before every use, since DNS and credentials change after a project is saved:
 * a token only ever goes over https and a deploy key over ssh, each to the host it is bound to, and the host must
 * not resolve to a refused address. Over ssh the host keys pinned for the host and port come along, pinned now on
 * first use (by `pinnedBy`). Callers that are not given the installation's policy (`privateHosts` 'all') still get
 * the metadata and binding checks; the worker checks fully.
 */
export async function projectGitAccess(
  db: DbTx,
  box: SecretBox,
  project: { gitUrl: string; gitCredentialId: string | null },
  privateHosts: PrivateHosts = 'all',
  pinnedBy: string | null = null,
) {
  const access: GitAccess = { gitUrl: project.gitUrl };
  const host = gitHostOf(project.gitUrl);
  const problem = host ? await hostProblem(host, privateHosts) : null;
  if (problem) throw new Conflict(`The project's Git URL is refused: ${problem}`);
  const ssh = sshTargetOf(project.gitUrl);
  const sshProblem = sshUrlProblem(project.gitUrl);
  if (sshProblem) throw new Conflict(`The project's Git URL is refused: ${sshProblem}`);
  if (!project.gitCredentialId) {
    // Without a deploy key ssh would log in with whatever keys the platform's own user has.
    if (ssh) throw new Conflict('The project\'s Git URL uses ssh: it needs an ssh_key credential (a deploy key)');
    return { access, version: 'none' };
  }
  const { row, secret } = await revealSecret(db, box, project.gitCredentialId);
  if (row.kind === 'ssh_key') {
    if (!host || !ssh) throw new Conflict(`Credential "${row.name}" is a deploy key, used over ssh only; the project's Git URL is not an ssh URL`);
  } else if (!host || !project.gitUrl.startsWith('https://')) throw new Conflict(`Credential "${row.name}" is sent over https only; the project's Git URL is not https`);
  const boundHost = row.boundHost ?? (await bindCredential(db, row.id, host));
  if (boundHost !== host) throw new Conflict(`Credential "${row.name}" is bound to ${boundHost}; it is never sent to ${host}`);
  const version = `${row.id}@${row.updatedAt.getTime()}`;
  if (!ssh) {
    access.token = { username: row.username, secret };
    return { access, version };
  }
  const pin = await pinnedHostKeys(db, ssh, pinnedBy);
  access.ssh = { privateKey: secret, pin };
  return { access, version: `${version}#${pin.id}` };
}

/** Branches and tags via `git ls-remote` with the project's token; Git's failures become a 502 without secrets. */
async function lookupFor({ db, secrets, privateHosts, pinnedBy }: Omit<GitDeps, 'gitCache'>, id: string) {
  const project = await db.project.findUnique({ where: { id } });
  if (!project) throw new NotFound('Project');
  const { access, version } = await projectGitAccess(db, secrets, project, privateHosts, pinnedBy ?? null);
  return { project, access, key: `${project.gitUrl}\n${version}` };
}

function gitUnreachable(what: string, gitUrl: string, error: unknown): never {
  if (error instanceof RefLookupError) throw new BadGateway(`Cannot list ${what} of ${gitUrl}: ${error.message}`);
  throw error;
}

export async function projectRefs({ gitCache, ...deps }: GitDeps, { id, refresh }: { id: string; refresh: boolean }) {
  const { project, access, key } = await lookupFor(deps, id);
  const linked = await platformLookup(deps, project);
  if (linked) return gitCache.get(`refs\n${linked.key}`, access, viaPlatform(linked, () => gitlabRefs(linked)), refresh).catch((error: unknown) => gitUnreachable('branches and tags', project.gitUrl, error));
  const lookup = async (url: string, auth: { credential?: GitCredential }) => {
    const out = await listRefs(url, { timeoutMs: 20_000, ...auth });
    return out.ok ? { ok: true as const, value: out.refs } : out;
  };
  return gitCache.get(`refs\n${key}`, access, lookup, refresh).catch((error: unknown) => gitUnreachable('branches and tags', project.gitUrl, error));
}

/** The linked GitLab project's API, if the project was imported from one; its refusal is a 502 like git's. */
async function platformLookup(deps: Omit<GitDeps, 'gitCache'>, project: Project) {
  return linkedGitLab(deps.db, deps.secrets, project, deps.privateHosts).catch((error: Error) => {
    throw new BadGateway(`Cannot ask the project's Git platform: ${error.message}`);
  });
}

/** A platform API call as a cache lookup: its failure's text, masked of the token, is what the caller sees. */
function viaPlatform<T>(linked: LinkedGitLab, call: () => Promise<T>): Lookup<T> {
  return () =>
    call().then(
      (value) => ({ ok: true as const, value }),
      (error: Error) => ({ ok: false as const, message: `GitLab: ${error.message.replaceAll(linked.secret, '***')}` }),
    );
}

export async function projectCommits({ gitCache, ...deps }: GitDeps, { id, ...query }: { id: string; ref?: string; limit: number; refresh?: boolean }) {
  const { project, access, key } = await lookupFor(deps, id);
  const linked = await platformLookup(deps, project);
  if (linked) {
    const call = () => gitlabCommits(linked, { limit: query.limit, ...(query.ref !== undefined ? { ref: query.ref } : {}) });
    return gitCache.get(`commits\n${query.ref ?? ''}\n${query.limit}\n${linked.key}`, access, viaPlatform(linked, call), query.refresh ?? false).catch((error: unknown) => gitUnreachable('commits', project.gitUrl, error));
  }
  const lookup = async (url: string, auth: { credential?: GitCredential }) => {
    let out;
    try {
      out = await listCommits(url, { timeoutMs: 30_000, limit: query.limit, ...auth, ...(query.ref !== undefined ? { ref: query.ref } : {}) });
    } catch (error) {
      if (error instanceof PlanValidationError) throw new Invalid('ref', error.message);
      throw error;
    }
    if (!out.ok && out.notFound) throw new Invalid('ref', out.message);
    return out.ok ? { ok: true as const, value: { ref: out.ref, commits: out.commits.map((c) => ({ ...c, webUrl: null })) } } : out;
  };
  const cacheKey = `commits\n${query.ref ?? ''}\n${query.limit}\n${key}`;
  return gitCache.get(cacheKey, access, lookup, query.refresh ?? false).catch((error: unknown) => gitUnreachable('commits', project.gitUrl, error));
}
