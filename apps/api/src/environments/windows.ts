/**
 * Release windows: weekdays and a time range in the environment's time zone. Days are 0 (Sunday) to 6 (Saturday)
 * as in JavaScript. A window whose end is before its start runs past midnight and belongs to the day it starts,
 * so `{ days: [5], start: '22:00', end: '02:00' }` is Friday 22:00 to Saturday 02:00.
 */
export interface ReleaseWindow {
  days: number[];
  start: string;
  end: string;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Weekday and minute of the day of `date` on the wall clock of `timeZone`. */
export function localClock(timeZone: string, date: Date): { weekday: number; minute: number; text: string } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    weekday: 'short',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(date);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  const hour = Number(part('hour')) % 24;
  const minute = Number(part('minute'));
  return {
    weekday: WEEKDAYS.indexOf(part('weekday')),
    minute: hour * 60 + minute,
    text: `${part('year')}-${part('month')}-${part('day')} ${String(hour).padStart(2, '0')}:${part('minute')} ${part('weekday')}`,
  };
}

/** No windows means no restriction. */
export function isInsideWindow(windows: readonly ReleaseWindow[], timeZone: string, date: Date): boolean {
  if (windows.length === 0) return true;
  const { weekday, minute } = localClock(timeZone, date);
  const yesterday = (weekday + 6) % 7;
  return windows.some((w) => {
    const start = minutes(w.start);
    const end = minutes(w.end);
    if (start < end) return w.days.includes(weekday) && minute >= start && minute < end;
    return (w.days.includes(weekday) && minute >= start) || (w.days.includes(yesterday) && minute < end);
  });
}
