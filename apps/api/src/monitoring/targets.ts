import type { ServerSpec } from '@rp/deploy-engine';
import { environmentVariables } from '../environments/service.js';
import { environmentServerIds } from '../environments/targets.js';
import type { ServiceAlarm } from '../notifications/outbox.js';
import { serverSpec } from '../servers/spec.js';
import type { Db } from '../shared/db.js';
import type { SecretBox } from '../shared/secret-box.js';
import { createSecretMasker, MIN_SECRET_LENGTH, type SecretMasker } from '../shared/secret-masker.js';
import { serviceCommands } from '../supervision/commands.js';
import { serviceConfigOf } from '../supervision/service-spec.js';
import { healthProbeOf, type CheckSpec } from './check-command.js';
import { monitorSettingsOf, type MonitorDefaults } from './settings.js';

/** One host of one environment, with everything a check of it needs. */
export interface HostTarget {
  key: string;
  environmentId: string;
  serverId: string;
  intervalMs: number;
  failuresToDown: number;
  /** With the decrypted key: targets live in the worker's memory only, as a release's plan does. */
  server: ServerSpec;
  spec: CheckSpec;
  /** What an alarm about this host says besides its type and detail. */
  alarm: Omit<ServiceAlarm, 'type' | 'detail'>;
  /** The environment's secret variables, which a health check may print into the stored detail. */
  mask: SecretMasker;
}

const targetKey = (environmentId: string, serverId: string) => `${environmentId}:${serverId}`;

const secretValuesOf = (secrets: SecretBox, stored: unknown) =>
  (Array.isArray(stored) ? (stored as { value: string; secret?: boolean }[]) : [])
    .filter((v) => v.secret)
    .map((v) => secrets.decrypt(v.value))
    .filter((v) => v.length >= MIN_SECRET_LENGTH);

/**
 * The hosts to check now: every server of every environment that is monitored (not paused, and neither it nor its
 * project or group archived), listed or selected by its labels as a release would target them. An environment whose
 * secrets or service config cannot be used is left out and logged; the others are still checked.
 */
export async function loadTargets({ db, secrets, log }: { db: Db; secrets: SecretBox; log: { warn(msg: string): void } }, defaults: MonitorDefaults): Promise<HostTarget[]> {
  const environments = (
    await db.environment.findMany({
      where: { archivedAt: null, project: { archivedAt: null, group: { archivedAt: null } } },
      select: {
        id: true,
        name: true,
        deployPath: true,
        variables: true,
        monitor: true,
        serverSelector: true,
        servers: { select: { serverId: true } },
        project: { select: { id: true, name: true, groupId: true, restartCommand: true, healthCheck: true, service: true } },
      },
    })
  ).filter((environment) => !monitorSettingsOf(environment.monitor, defaults).paused);
  const serverIds = new Map<string, string[]>();
  for (const environment of environments) serverIds.set(environment.id, await environmentServerIds(db, { ...environment, groupId: environment.project.groupId }));
  const servers = new Map(
    (
      await db.server.findMany({
        where: { id: { in: [...new Set([...serverIds.values()].flat())] } },
        select: { id: true, name: true, host: true, port: true, username: true, credentialId: true, hostKeyFingerprint: true, sudo: true },
      })
    ).map((server) => [server.id, server]),
  );

  const keys = new Map<string, ServerSpec>();
  const targets: HostTarget[] = [];
  for (const environment of environments) {
    const settings = monitorSettingsOf(environment.monitor, defaults);
    const { project } = environment;
    try {
      const env = environmentVariables(secrets, environment.variables);
      const mask = createSecretMasker(secretValuesOf(secrets, environment.variables));
      const config = serviceConfigOf(project.service);
      const hosts: HostTarget[] = [];
      for (const id of serverIds.get(environment.id) ?? []) {
        const server = servers.get(id);
        if (!server) continue;
        const spec = keys.get(server.id) ?? (await serverSpec(db, secrets, server));
        keys.set(server.id, spec);
        const statusScript =
          config.manager === 'none'
            ? null
            : serviceCommands(config, { project: { id: project.id, name: project.name, restartCommand: project.restartCommand }, deployPath: environment.deployPath, sudo: server.sudo }).status;
        hosts.push({
          key: targetKey(environment.id, server.id),
          environmentId: environment.id,
          serverId: server.id,
          intervalMs: settings.intervalSeconds * 1000,
          failuresToDown: settings.failuresToDown,
          server: spec,
          spec: { deployPath: environment.deployPath, statusScript, health: healthProbeOf(project.healthCheck), env, project: project.id },
          alarm: { groupId: project.groupId, projectId: project.id, environmentId: environment.id, environment: environment.name, service: project.name, server: server.name },
          mask,
        });
      }
      targets.push(...hosts);
    } catch (error) {
      log.warn(`monitoring skips environment ${environment.id}: ${(error as Error).message}`);
    }
  }
  return targets;
}
