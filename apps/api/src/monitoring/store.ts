import type { HostStateName } from '@rp/contract/monitoring';
import { recordServiceAlarm } from '../notifications/outbox.js';
import type { Db } from '../shared/db.js';
import type { CheckResult } from './check-result.js';
import { monitorSettingsOf, type MonitorDefaults } from './settings.js';
import type { HostTarget } from './targets.js';
import { nextStep, type AlarmType } from './transitions.js';

/** Gives every host to check a status row, so a claim is one conditional UPDATE; rows that exist are left alone. */
export async function ensureStatusRows(db: Db, targets: Pick<HostTarget, 'environmentId' | 'serverId'>[]): Promise<void> {
  if (targets.length === 0) return;
  await db.$executeRaw`
    INSERT INTO host_statuses (environment_id, server_id)
    SELECT t.e, t.s FROM unnest(${targets.map((t) => t.environmentId)}::uuid[], ${targets.map((t) => t.serverId)}::uuid[]) AS t(e, s)
    -- Rows only for what still exists: an environment or server deleted since the targets were read is skipped.
    JOIN environments e ON e.id = t.e JOIN servers s ON s.id = t.s
    ON CONFLICT DO NOTHING`;
}

interface StatusRow {
  state: HostStateName;
  since: Date;
  failures: number;
  alarm_type: AlarmType | null;
  alarm_at: Date | null;
}

/** A claimed check: the host's row as the claim found it, and its environment's monitoring settings then. */
export interface Claim {
  slot: Date;
  row: StatusRow;
  monitor: unknown;
}

/**
 * Takes the check of one host due at `slot` for this process. Every worker computes the same slots for a host and
 * tries each one; the conditional UPDATE lets exactly one of them take it, however late its timer fired, and none
 * while the environment is paused. The slot becomes the host's `checked_at`, which the result must still find.
 */
export async function claimCheck(db: Db, target: Pick<HostTarget, 'environmentId' | 'serverId'>, slot: Date): Promise<Claim | null> {
  const [claimed] = await db.$queryRaw<(StatusRow & { monitor: unknown })[]>`
    UPDATE host_statuses hs SET checked_at = ${slot}
    FROM environments e
    WHERE hs.environment_id = ${target.environmentId}::uuid AND hs.server_id = ${target.serverId}::uuid AND e.id = hs.environment_id
      AND COALESCE(e.monitor->>'paused', 'false') <> 'true'
      AND (hs.checked_at IS NULL OR hs.checked_at < ${slot})
    RETURNING hs.state, hs.since, hs.failures, hs.alarm_type, hs.alarm_at, e.monitor`;
  if (!claimed) return null;
  const { monitor, ...row } = claimed;
  return { slot, row, monitor };
}

const stepOf = (row: StatusRow, result: CheckResult, failuresToDown: number, now: Date) =>
  nextStep({ state: row.state, since: row.since, failures: row.failures, alarmType: row.alarm_type, alarmAt: row.alarm_at }, result.outcome, { failuresToDown, now });

/**
 * Stores one check's result. Most checks change no state and raise no alarm: those are one conditional UPDATE that
 * holds only while the row is as the claim found it and the environment is not paused. Anything else (a change, an
 * alarm, or a row that moved meanwhile) goes through recordChange.
 */
export async function recordCheck(db: Db, target: HostTarget, claim: Claim, result: CheckResult, defaults: MonitorDefaults): Promise<void> {
  const { environmentId, serverId } = target;
  const step = stepOf(claim.row, result, monitorSettingsOf(claim.monitor, defaults).failuresToDown, claim.slot);
  if (!step.change && !step.alarm) {
    const stored = await db.$executeRaw`
      UPDATE host_statuses hs SET failures = ${step.failures}, process = ${result.process}, healthy = ${result.healthy}, version = ${result.version},
        disk_free_bytes = ${result.diskFreeBytes}, detail = ${result.detail}
      FROM environments e
      WHERE hs.environment_id = ${environmentId}::uuid AND hs.server_id = ${serverId}::uuid AND e.id = hs.environment_id
        AND COALESCE(e.monitor->>'paused', 'false') <> 'true'
        AND hs.checked_at = ${claim.slot} AND hs.state = ${claim.row.state} AND hs.failures = ${claim.row.failures}
        AND hs.alarm_type IS NOT DISTINCT FROM ${claim.row.alarm_type}`;
    if (stored === 1) return;
  }
  await recordChange(db, target, claim.slot, result, defaults);
}

/**
 * Stores a result that changes the host's state or raises an alarm: the host's row, a history row, and the alarm, all
 * in one transaction, so an alarm exists exactly when the change it reports does. The row is read again under lock;
 * a result whose claim was overtaken (another worker took a later slot) or whose environment was paused meanwhile is
 * dropped.
 */
async function recordChange(db: Db, target: HostTarget, slot: Date, result: CheckResult, defaults: MonitorDefaults): Promise<void> {
  const { environmentId, serverId } = target;
  await db.$transaction(async (tx) => {
    const [row] = await tx.$queryRaw<(StatusRow & { checked_at: Date | null })[]>`
      SELECT state, since, failures, alarm_type, alarm_at, checked_at FROM host_statuses
      WHERE environment_id = ${environmentId}::uuid AND server_id = ${serverId}::uuid FOR UPDATE`;
    if (!row || row.checked_at?.getTime() !== slot.getTime()) return;
    const environment = await tx.environment.findUnique({ where: { id: environmentId }, select: { monitor: true } });
    const settings = environment ? monitorSettingsOf(environment.monitor, defaults) : null;
    if (!settings || settings.paused) return;

    const step = stepOf(row, result, settings.failuresToDown, slot);
    await tx.hostStatus.update({
      where: { environmentId_serverId: { environmentId, serverId } },
      data: {
        state: step.state,
        since: step.since,
        failures: step.failures,
        process: result.process,
        healthy: result.healthy,
        version: result.version,
        diskFreeBytes: result.diskFreeBytes,
        detail: result.detail,
        ...(step.alarm ? { alarmType: step.alarm, alarmAt: slot } : {}),
      },
    });
    if (step.change) await tx.hostStatusChange.create({ data: { environmentId, serverId, from: step.change.from, to: step.change.to, at: slot, detail: result.detail } });
    if (step.alarm) await recordServiceAlarm(tx, { type: step.alarm, ...target.alarm, ...(result.detail ? { detail: result.detail } : {}) });
  });
}
