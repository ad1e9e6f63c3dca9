import { describe, expect, it } from 'vitest';
import { isInsideWindow, isValidTimeZone, localClock } from './windows.js';

const workdays = [{ days: [1, 2, 3, 4], start: '10:00', end: '17:00' }];
const at = (iso: string) => new Date(iso);

describe('release windows', () => {
  it('no windows means always open', () => {
    expect(isInsideWindow([], 'Asia/Shanghai', at('2026-11-22T03:00:00Z'))).toBe(true);
  });

  it('checks the weekday and time on the wall clock of the time zone', () => {
    // 2026-11-23 is a Monday. 02:00Z is 10:00 in Shanghai (UTC+8).
    expect(isInsideWindow(workdays, 'Asia/Shanghai', at('2026-11-23T02:00:00Z'))).toBe(true);
    expect(isInsideWindow(workdays, 'Asia/Shanghai', at('2026-11-23T01:59:00Z'))).toBe(false);
    expect(isInsideWindow(workdays, 'Asia/Shanghai', at('2026-11-23T08:59:00Z'))).toBe(true);
    // The end is exclusive: 17:00 is closed.
    expect(isInsideWindow(workdays, 'Asia/Shanghai', at('2026-11-23T09:00:00Z'))).toBe(false);
    // Friday 11:00 in Shanghai is outside Monday–Thursday.
    expect(isInsideWindow(workdays, 'Asia/Shanghai', at('2026-11-27T03:00:00Z'))).toBe(false);
    // Thursday 23:00Z is already Friday 07:00 in Shanghai, and still Thursday 15:00 in UTC.
    expect(isInsideWindow(workdays, 'Asia/Shanghai', at('2026-11-26T23:00:00Z'))).toBe(false);
    expect(isInsideWindow(workdays, 'UTC', at('2026-11-26T15:00:00Z'))).toBe(true);
  });

  it('a window that ends before it starts runs past midnight and belongs to its start day', () => {
    const fridayNight = [{ days: [5], start: '22:00', end: '02:00' }];
    expect(isInsideWindow(fridayNight, 'UTC', at('2026-11-27T22:30:00Z'))).toBe(true);
    expect(isInsideWindow(fridayNight, 'UTC', at('2026-11-28T01:59:00Z'))).toBe(true);
    expect(isInsideWindow(fridayNight, 'UTC', at('2026-11-28T02:00:00Z'))).toBe(false);
    // Thursday night after midnight (Friday 01:00) is not part of Friday's window.
    expect(isInsideWindow(fridayNight, 'UTC', at('2026-11-27T01:00:00Z'))).toBe(false);
    // 24:00 closes a window at the end of the day.
    expect(isInsideWindow([{ days: [0], start: '20:00', end: '24:00' }], 'UTC', at('2026-11-22T23:59:00Z'))).toBe(true);
  });

  it('follows daylight saving time', () => {
    const mornings = [{ days: [0, 1, 2, 3, 4, 5, 6], start: '09:00', end: '10:00' }];
    // 09:30 in Berlin is 08:30Z in winter (UTC+1) and 07:30Z in summer (UTC+2).
    expect(isInsideWindow(mornings, 'Europe/Berlin', at('2026-01-15T08:30:00Z'))).toBe(true);
    expect(isInsideWindow(mornings, 'Europe/Berlin', at('2026-07-15T07:30:00Z'))).toBe(true);
    expect(isInsideWindow(mornings, 'Europe/Berlin', at('2026-07-15T08:30:00Z'))).toBe(false);
  });

  it('shows the local clock and validates zone names', () => {
    expect(localClock('Asia/Shanghai', at('2026-11-23T16:05:00Z'))).toEqual({ weekday: 2, minute: 5, text: '2026-11-24 00:05 Tue' });
    expect(isValidTimeZone('Asia/Shanghai')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
  });
});
