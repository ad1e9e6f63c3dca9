import { MONITOR_LIMITS, type MonitorSettings } from '@rp/contract/monitoring';

/** What an environment that sets nothing gets; the worker may pass other defaults (see scheduleMonitoring). */
export interface MonitorDefaults {
  intervalSeconds: number;
  failuresToDown: number;
}

export const MONITOR_DEFAULTS: MonitorDefaults = {
  intervalSeconds: MONITOR_LIMITS.intervalSeconds.default,
  failuresToDown: MONITOR_LIMITS.failuresToDown.default,
};

const within = (value: unknown, limits: { minimum: number; maximum: number }, fallback: number): number =>
  typeof value === 'number' && Number.isInteger(value) ? Math.min(limits.maximum, Math.max(limits.minimum, value)) : fallback;

/** The stored `Environment.monitor` column (`{}` until someone changes it) with the defaults filled in. */
export function monitorSettingsOf(stored: unknown, defaults: MonitorDefaults = MONITOR_DEFAULTS): MonitorSettings {
  const monitor = (stored && typeof stored === 'object' ? stored : {}) as Record<string, unknown>;
  return {
    paused: monitor.paused === true,
    intervalSeconds: within(monitor.intervalSeconds, MONITOR_LIMITS.intervalSeconds, defaults.intervalSeconds),
    failuresToDown: within(monitor.failuresToDown, MONITOR_LIMITS.failuresToDown, defaults.failuresToDown),
  };
}
