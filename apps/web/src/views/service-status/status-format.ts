import type { HostStatusView } from '@/api/services';

export type HostState = HostStatusView['state'];

/** One host's answer to a service operation, as the output dialog shows it. */
export interface HostOutput {
  serverName: string;
  ok: boolean;
  exitCode: number | null;
  output: string;
}

export const STATE_TAG: Record<HostState, 'success' | 'danger' | 'info'> = { up: 'success', down: 'danger', unknown: 'info' };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A release id, which the version column links to; anything else `current` points at is shown as it is. */
export const isReleaseId = (value: string | null): value is string => value !== null && UUID.test(value);
export const shortVersion = (value: string) => (UUID.test(value) ? value.slice(0, 8) : value);

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

/** 1536 → "1.5 KiB": one decimal below 10 of a unit, none above. */
export function humanBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit === 0 || value >= 10 ? 0 : 1;
  return `${value.toFixed(digits)} ${UNITS[unit]}`;
}

/** The log line counts the logs dialog offers (the API allows up to 1000). */
export const LOG_LINES = [50, 100, 200, 500, 1000] as const;

/** The contract's monitoring limits (a schema module, so not imported at run time). */
export const MONITOR_LIMITS = {
  intervalSeconds: { min: 1, max: 3600 },
  failuresToDown: { min: 1, max: 20 },
} as const;

/** How often the status tab asks again while it is visible. */
export const STATUS_REFRESH_MS = 10_000;
