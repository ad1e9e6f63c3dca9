import type { ServiceLogMessage } from '@rp/contract/feed';
import { quote, type ExecOutcome } from '@rp/deploy-engine';
import { recordAudit } from '../audit/service.js';
import { policyOf, releaserRefusal } from '../environments/policy.js';
import type { Watched } from '../live/access.js';
import { NotFound } from '../shared/errors.js';
import { LineSplitter } from './log-lines.js';
import { authorize, commandsFor, connectTo, loadEnvironment, maskerOf, type OperationDeps } from './operations.js';

/** A forgotten browser tab must not hold an SSH connection for days; following again starts with the last lines. */
export const FOLLOW_LIMIT_MS = 30 * 60_000;
/** Lines are grouped this long, so a chatty service costs a few messages a second rather than one per line. */
const FLUSH_MS = 100;
const FLUSH_LINES = 500;

export interface FollowTarget {
  environmentId: string;
  serverId: string;
  lines: number;
}

/**
 * Who may go on following a host's service log: whoever may run the other service operations there (owners, and
 * developers where the environment lets them release). Gone once the host has left the environment.
 */
export function serviceLogWatch({ environmentId, serverId }: Omit<FollowTarget, 'lines'>): Watched {
  return {
    key: `service-log:${environmentId}:${serverId}`,
    async load(db) {
      const environment = await db.environment.findUnique({
        where: { id: environmentId },
        select: { name: true, policy: true, project: { select: { groupId: true } }, servers: { where: { serverId }, select: { serverId: true } } },
      });
      if (!environment || environment.servers.length === 0) return null;
      const env = { name: environment.name, policy: policyOf(environment.policy) };
      return (actor) => releaserRefusal(env, { actor, groupId: environment.project.groupId });
    },
  };
}

function endOf(outcome: ExecOutcome, serverName: string, limitMs: number): ServiceLogMessage {
  if (outcome.reason === 'timeout') return { type: 'ended', reason: 'time-limit', message: `stopped following after ${Math.round(limitMs / 60_000)} minutes` };
  if (outcome.reason === 'connection-lost') return { type: 'ended', reason: 'connection-lost', message: `the connection to ${serverName} was lost` };
  // What tail said on stderr went to the viewer as lines already, masked.
  return { type: 'ended', reason: 'exited', message: `tail on ${serverName} ended (exit ${outcome.exitCode ?? 'unknown'})` };
}

/**
 * Sends the last `lines` lines of the service log on one host, then each line as it is written, secrets masked,
 * until `signal` aborts (the viewer left or lost access), the tail ends or `limitMs` passes. Ends with one `ended`
 * message unless the viewer is the one who left. Opening it is audited, as reading the log is.
 */
export async function followServiceLog(
  deps: OperationDeps,
  { environmentId, serverId, lines }: FollowTarget,
  send: (message: ServiceLogMessage) => void,
  signal: AbortSignal,
  limitMs = FOLLOW_LIMIT_MS,
): Promise<void> {
  const environment = await loadEnvironment(deps.db, environmentId);
  authorize(environment, deps.actor);
  const server = environment.servers.find((s) => s.serverId === serverId)?.server;
  if (!server) throw new NotFound('Server in this environment');
  await recordAudit(deps.db, deps.ctx, {
    action: 'service.follow',
    resourceType: 'environment',
    resourceId: environment.id,
    details: { serverId, server: server.name, lines },
  });
  const mask = maskerOf(deps.secrets, environment);
  const connected = await connectTo(deps, server, mask);
  if (signal.aborted) {
    if (connected.ok) connected.connection.close();
    return;
  }
  if (!connected.ok) {
    send({ type: 'ended', reason: 'unreachable', message: connected.error });
    return;
  }

  const queued = { stdout: [] as string[], stderr: [] as string[] };
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    for (const stream of ['stdout', 'stderr'] as const) {
      if (queued[stream].length === 0) continue;
      send({ type: 'lines', stream, text: queued[stream] });
      queued[stream] = [];
    }
  };
  const queue = (stream: 'stdout' | 'stderr', text: string[]) => {
    if (text.length === 0) return;
    queued[stream].push(...text.map(mask));
    if (queued.stdout.length + queued.stderr.length >= FLUSH_LINES) flush();
    else timer ??= setTimeout(flush, FLUSH_MS);
  };
  const splitters = { stdout: new LineSplitter(), stderr: new LineSplitter() };

  const script = commandsFor(environment, server).logs(lines, { follow: true });
  const outcome = await connected.connection
    .exec(`sh -c ${quote(script)}`, {
      signal,
      timeoutMs: limitMs,
      onStdout: (chunk) => queue('stdout', splitters.stdout.push(chunk)),
      onStderr: (chunk) => queue('stderr', splitters.stderr.push(chunk)),
    })
    .finally(() => connected.connection.close());
  if (outcome.reason === 'aborted') {
    clearTimeout(timer);
    return;
  }
  queue('stdout', splitters.stdout.end());
  queue('stderr', splitters.stderr.end());
  flush();
  send(endOf(outcome, server.name, limitMs));
}
