import type { ServiceAction, ServiceEnvironmentResult, ServiceOperationResult, ServicePreview } from '@rp/contract/supervision';
import { quote, type Connection, type Transport } from '@rp/deploy-engine';
import { recordAudit } from '../audit/service.js';
import { enforce, policyOf, releaserRefusal } from '../environments/policy.js';
import type { Prisma } from '../generated/prisma/client.js';
import type { Actor, RequestContext } from '../plugins/app/auth/actor.js';
import { serverSpec } from '../servers/spec.js';
import type { Db } from '../shared/db.js';
import { Invalid, NotFound } from '../shared/errors.js';
import type { SecretBox } from '../shared/secret-box.js';
import { createSecretMasker, type SecretMasker } from '../shared/secret-masker.js';
import { serviceCommands, type ServiceCommands } from './commands.js';
import { serviceConfigOf } from './service-spec.js';

export interface OperationDeps {
  db: Db;
  secrets: SecretBox;
  ssh: Transport;
  actor: Actor;
  ctx: RequestContext;
}

export type HostOperation = ServiceAction | 'status' | { logs: number };

/** The end of the output is what matters (the last log lines, the status line, the error). */
const OUTPUT_CAP = 64 * 1024;
/** Servers of one environment driven at once by the environment-wide actions. */
const CONCURRENCY = 8;
const QUICK_TIMEOUT_MS = 30_000;
// A stop waits for the manager's own stop timeout (up to an hour by the contract) before it kills.
const slowTimeoutMs = (stopTimeoutSeconds: number | undefined) => Math.max(120, (stopTimeoutSeconds ?? 0) + 60) * 1000;

const withServers = { project: true, servers: { include: { server: true }, orderBy: { server: { name: 'asc' } } } } as const;
type EnvironmentRow = Prisma.EnvironmentGetPayload<{ include: typeof withServers }>;
export type ServerRow = EnvironmentRow['servers'][number]['server'];

export async function loadEnvironment(db: Db, id: string): Promise<EnvironmentRow> {
  const environment = await db.environment.findUnique({ where: { id }, include: withServers });
  if (!environment) throw new NotFound('Environment');
  return environment;
}

/** Owners always; developers where the environment's release policy lets them release (as for a release itself). */
export function authorize(environment: EnvironmentRow, actor: Actor): void {
  enforce(releaserRefusal({ name: environment.name, policy: policyOf(environment.policy) }, { actor, groupId: environment.project.groupId }), 'releasers');
}

/** The environment's secret variables, which a service may well print into its log. */
export function maskerOf(secrets: SecretBox, environment: { variables: Prisma.JsonValue }): SecretMasker {
  const stored = environment.variables as { value: string; secret?: boolean }[];
  return createSecretMasker(stored.filter((v) => v.secret).map((v) => secrets.decrypt(v.value)));
}

export function commandsFor(environment: EnvironmentRow, server: ServerRow): ServiceCommands {
  return serviceCommands(serviceConfigOf(environment.project.service), { project: environment.project, deployPath: environment.deployPath, sudo: server.sudo });
}

function scriptOf(commands: ServiceCommands, operation: HostOperation): string {
  return typeof operation === 'string' ? commands[operation] : commands.logs(operation.logs);
}

const capped = (text: string) => (text.length > OUTPUT_CAP ? text.slice(-OUTPUT_CAP) : text);

/** A connection to the server, or why there is none (masked). */
export async function connectTo(deps: Pick<OperationDeps, 'db' | 'secrets' | 'ssh'>, server: ServerRow, mask: SecretMasker): Promise<{ ok: true; connection: Connection } | { ok: false; error: string }> {
  // An operation is no place to trust a host key on first use: that is the connection test's job, where it is seen.
  if (!server.hostKeyFingerprint) return { ok: false, error: `${server.name} has no pinned host key; test its connection first` };
  const connected = await deps.ssh.connect(await serverSpec(deps.db, deps.secrets, server));
  return connected.ok ? { ok: true, connection: connected.connection } : { ok: false, error: mask(connected.error.message) };
}

/** Runs one script on one server. Failing to connect is an answer (ok false), as for the connection test. */
export async function runOnServer(deps: Pick<OperationDeps, 'db' | 'secrets' | 'ssh'>, server: ServerRow, script: string, timeoutMs: number, mask: SecretMasker): Promise<ServiceOperationResult> {
  const connected = await connectTo(deps, server, mask);
  if (!connected.ok) return { ok: false, exitCode: null, output: connected.error };
  const outcome = await connected.connection.exec(`sh -c ${quote(script)}`, { timeoutMs }).finally(() => connected.connection.close());
  const reason = outcome.reason ? `\n(${outcome.reason})` : '';
  return { ok: outcome.exitCode === 0, exitCode: outcome.exitCode, output: capped(mask(`${outcome.stdout}${outcome.stderrTail}${reason}`)) };
}

const operationName = (operation: HostOperation) => (typeof operation === 'string' ? operation : 'logs');

async function runOperation(deps: OperationDeps, environment: EnvironmentRow, server: ServerRow, operation: HostOperation, mask: SecretMasker): Promise<ServiceOperationResult> {
  const config = serviceConfigOf(environment.project.service);
  const timeoutMs = operation === 'stop' || operation === 'restart' || operation === 'start' ? slowTimeoutMs(config.stopTimeoutSeconds) : QUICK_TIMEOUT_MS;
  return runOnServer(deps, server, scriptOf(commandsFor(environment, server), operation), timeoutMs, mask);
}

/** One operation on one server of the environment, audited with its outcome. */
export async function hostOperation(deps: OperationDeps, { environmentId, serverId, operation }: { environmentId: string; serverId: string; operation: HostOperation }): Promise<ServiceOperationResult> {
  const environment = await loadEnvironment(deps.db, environmentId);
  authorize(environment, deps.actor);
  const server = environment.servers.find((s) => s.serverId === serverId)?.server;
  if (!server) throw new NotFound('Server in this environment');
  const result = await runOperation(deps, environment, server, operation, maskerOf(deps.secrets, environment));
  await recordAudit(deps.db, deps.ctx, {
    action: `service.${operationName(operation)}`,
    resourceType: 'environment',
    resourceId: environment.id,
    success: result.ok,
    details: { serverId, server: server.name, exitCode: result.exitCode, ...(typeof operation === 'object' ? { lines: operation.logs } : {}) },
  });
  return result;
}

/** Start, stop or restart on every server of the environment, a few at a time; one audit entry lists them all. */
export async function environmentOperation(deps: OperationDeps, { environmentId, action }: { environmentId: string; action: ServiceAction }): Promise<ServiceEnvironmentResult> {
  const environment = await loadEnvironment(deps.db, environmentId);
  authorize(environment, deps.actor);
  if (environment.servers.length === 0) throw new Invalid('environment', 'has no servers');
  const mask = maskerOf(deps.secrets, environment);
  const servers = environment.servers.map((s) => s.server);
  const results: ServiceEnvironmentResult['results'] = new Array(servers.length);
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < servers.length; i = next++) {
      const server = servers[i] as ServerRow;
      results[i] = { serverId: server.id, serverName: server.name, ...(await runOperation(deps, environment, server, action, mask)) };
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, servers.length) }, lane));
  const ok = results.every((r) => r.ok);
  await recordAudit(deps.db, deps.ctx, {
    action: `service.${action}`,
    resourceType: 'environment',
    resourceId: environment.id,
    success: ok,
    details: { servers: results.map((r) => ({ serverId: r.serverId, server: r.serverName, exitCode: r.exitCode })) },
  });
  return { ok, results };
}

/**
 * The files and scripts of the project's service for one of its environments: with `sudo -n` when every server of
 * the environment has it, as the release would run them there.
 */
export async function servicePreview({ db }: { db: Db }, { projectId, environmentId }: { projectId: string; environmentId: string }): Promise<ServicePreview> {
  const environment = await db.environment.findUnique({ where: { id: environmentId }, include: withServers });
  if (!environment || environment.projectId !== projectId) throw new NotFound('Environment of this project');
  const sudo = environment.servers.length > 0 && environment.servers.every((s) => s.server.sudo);
  const commands = serviceCommands(serviceConfigOf(environment.project.service), { project: environment.project, deployPath: environment.deployPath, sudo });
  const { files, install, start, stop, restart, status } = commands;
  return { files, commands: { install, start, stop, restart, status, logs: commands.logs(100) } };
}
