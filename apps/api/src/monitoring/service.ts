import type { EnvironmentStatus, HostStateName, HostStatusChangePage, HostStatusChangeQuery, MonitorSettings, UpdateMonitorBody } from '@rp/contract/monitoring';
import type { Prisma } from '../generated/prisma/client.js';
import { assertWritable } from '../archive/service.js';
import { recordAudit } from '../audit/service.js';
import { environmentServerIds } from '../environments/targets.js';
import type { RequestContext } from '../plugins/app/auth/actor.js';
import type { Db } from '../shared/db.js';
import { NotFound } from '../shared/errors.js';
import { pageArgs } from '../shared/pagination.js';
import { monitorSettingsOf } from './settings.js';

const iso = (date: Date | null) => date?.toISOString() ?? null;

/**
 * Every server of the environment (listed or selected by its labels) with what its last check found; a server never
 * checked yet reads as unknown.
 */
export async function environmentStatus({ db }: { db: Db }, { id }: { id: string }): Promise<EnvironmentStatus> {
  const environment = await db.environment.findUnique({
    where: { id },
    select: { monitor: true, serverSelector: true, servers: { select: { serverId: true } }, project: { select: { groupId: true } }, hostStatuses: true },
  });
  if (!environment) throw new NotFound('Environment');
  const ids = await environmentServerIds(db, { ...environment, groupId: environment.project.groupId });
  const servers = await db.server.findMany({ where: { id: { in: ids } }, select: { id: true, name: true, host: true }, orderBy: { name: 'asc' } });
  const statuses = new Map(environment.hostStatuses.map((s) => [s.serverId, s]));
  return {
    environmentId: id,
    monitor: monitorSettingsOf(environment.monitor),
    servers: servers.map((server) => {
      const status = statuses.get(server.id);
      return {
        serverId: server.id,
        serverName: server.name,
        host: server.host,
        state: (status?.state ?? 'unknown') as HostStateName,
        since: iso(status?.checkedAt ? status.since : null),
        checkedAt: iso(status?.checkedAt ?? null),
        failures: status?.failures ?? 0,
        process: status?.process ?? null,
        healthy: status?.healthy ?? null,
        version: status?.version ?? null,
        diskFreeBytes: status?.diskFreeBytes === null || status?.diskFreeBytes === undefined ? null : Number(status.diskFreeBytes),
        detail: status?.detail ?? null,
      };
    }),
  };
}

/** The environment's hosts' state changes, newest first. */
export async function listStatusChanges({ db }: { db: Db }, { id, query }: { id: string; query: HostStatusChangeQuery }): Promise<HostStatusChangePage> {
  if (!(await db.environment.count({ where: { id } }))) throw new NotFound('Environment');
  const where: Prisma.HostStatusChangeWhereInput = { environmentId: id, ...(query.serverId ? { serverId: query.serverId } : {}) };
  const [rows, total] = await Promise.all([
    db.hostStatusChange.findMany({ where, orderBy: [{ at: 'desc' }, { id: 'desc' }], ...pageArgs(query.page, query.pageSize) }),
    db.hostStatusChange.count({ where }),
  ]);
  const names = new Map((await db.server.findMany({ where: { id: { in: [...new Set(rows.map((r) => r.serverId))] } }, select: { id: true, name: true } })).map((s) => [s.id, s.name]));
  return {
    items: rows.map((row) => ({
      id: row.id.toString(),
      serverId: row.serverId,
      serverName: names.get(row.serverId) ?? '',
      from: row.from as HostStateName,
      to: row.to as HostStateName,
      at: row.at.toISOString(),
      detail: row.detail,
    })),
    total,
    page: query.page,
    pageSize: query.pageSize,
  };
}

/**
 * Changes the monitoring of an environment. Pausing sets its hosts to unknown (history rows, no alarm) in the same
 * transaction; a check under way when it commits finds the environment paused and stores nothing.
 */
export async function updateMonitor({ db, ctx }: { db: Db; ctx: RequestContext }, { id, changes }: { id: string; changes: UpdateMonitorBody }): Promise<MonitorSettings> {
  return db.$transaction(async (tx) => {
    await assertWritable(tx, 'environment', id);
    const environment = await tx.environment.findUniqueOrThrow({ where: { id }, select: { monitor: true } });
    const stored = { ...(environment.monitor && typeof environment.monitor === 'object' ? (environment.monitor as Prisma.JsonObject) : {}), ...changes };
    await tx.environment.update({ where: { id }, data: { monitor: stored } });
    const settings = monitorSettingsOf(stored);
    if (changes.paused && !monitorSettingsOf(environment.monitor).paused) {
      const hosts = await tx.$queryRaw<{ server_id: string; state: HostStateName }[]>`
        SELECT server_id, state FROM host_statuses WHERE environment_id = ${id}::uuid FOR UPDATE`;
      const known = hosts.filter((h) => h.state !== 'unknown');
      const now = new Date();
      const detail = 'monitoring paused';
      await tx.hostStatus.updateMany({ where: { environmentId: id, state: { not: 'unknown' } }, data: { state: 'unknown', since: now } });
      await tx.hostStatus.updateMany({ where: { environmentId: id }, data: { failures: 0, detail } });
      await tx.hostStatusChange.createMany({ data: known.map((h) => ({ environmentId: id, serverId: h.server_id, from: h.state, to: 'unknown', at: now, detail })) });
    }
    await recordAudit(tx, ctx, { action: 'environment.monitor', resourceType: 'environment', resourceId: id, details: { ...changes } });
    return settings;
  });
}
