import type { HostStateName } from '@rp/contract/monitoring';

export type AlarmType = 'service_down' | 'service_recovered';

/** What one check found, as far as the host's state is concerned. `empty`: nothing has been released there yet. */
export type Outcome = 'ok' | 'failed' | 'empty';

/** The stored state of one host of one environment, as the next check starts from it. */
export interface HostRecord {
  state: HostStateName;
  since: Date;
  failures: number;
  alarmType: AlarmType | null;
  alarmAt: Date | null;
}

export interface Step {
  state: HostStateName;
  since: Date;
  failures: number;
  /** Set when the state changed: a row of the host's history. */
  change: { from: HostStateName; to: HostStateName } | null;
  alarm: AlarmType | null;
}

/** The damping window: see nextStep. */
export const ALARM_QUIET_MS = 10 * 60_000;

/**
 * The state after one check, and the alarm it raises.
 *
 * State: `up` at the first passing check; `down` once `failuresToDown` checks in a row have failed (until then the
 * host keeps its state and counts); `unknown` when nothing is released there (no `current`), which is no failure.
 *
 * Alarms alternate per host, and the host's row keeps the last one sent (`alarmType`, `alarmAt`):
 * - `service_down` when the host is down, the last alarm was not a `service_down`, and the last alarm of either kind
 *   is at least ALARM_QUIET_MS old. A host that goes down inside that window changes state silently; if it is still
 *   down when the window ends, the next check raises the alarm then, so a lasting outage is never swallowed.
 * - `service_recovered` when the host is up and the last alarm was a `service_down`: every recovery answers the
 *   down alarm before it, and a silent outage has no recovery alarm either.
 * A down alarm is thus at least ALARM_QUIET_MS after the recovery before it, so any window of that length holds at
 * most one down alarm and at most two alarms (a down and its recovery).
 */
export function nextStep(row: HostRecord, outcome: Outcome, { failuresToDown, now }: { failuresToDown: number; now: Date }): Step {
  const failures = outcome === 'failed' ? row.failures + 1 : 0;
  const state: HostStateName = outcome === 'ok' ? 'up' : outcome === 'empty' ? 'unknown' : failures >= failuresToDown ? 'down' : row.state;
  const changed = state !== row.state;
  const quiet = !row.alarmAt || now.getTime() - row.alarmAt.getTime() >= ALARM_QUIET_MS;
  const alarm: AlarmType | null =
    state === 'down' && row.alarmType !== 'service_down' && quiet ? 'service_down' : state === 'up' && row.alarmType === 'service_down' ? 'service_recovered' : null;
  return { state, since: changed ? now : row.since, failures, change: changed ? { from: row.state, to: state } : null, alarm };
}
