import { describe, expect, it } from 'vitest';
import { ALARM_QUIET_MS, nextStep, type HostRecord, type Outcome } from './transitions.js';

const MINUTE = 60_000;
const at = (minutes: number) => new Date(Date.UTC(2026, 0, 1) + minutes * MINUTE);

/** Feeds one outcome per entry (at its minute) through nextStep, as the loop would, and collects the alarms. */
function replay(outcomes: [number, Outcome][], failuresToDown = 1, start: Partial<HostRecord> = {}) {
  let row: HostRecord = { state: 'up', since: at(0), failures: 0, alarmType: null, alarmAt: null, ...start };
  const alarms: { minute: number; type: string }[] = [];
  const states: string[] = [];
  for (const [minute, outcome] of outcomes) {
    const step = nextStep(row, outcome, { failuresToDown, now: at(minute) });
    if (step.alarm) alarms.push({ minute, type: step.alarm });
    row = { state: step.state, since: step.since, failures: step.failures, alarmType: step.alarm ?? row.alarmType, alarmAt: step.alarm ? at(minute) : row.alarmAt };
    states.push(step.state);
  }
  return { alarms, states, row };
}

describe('host state and alarms after each check', () => {
  it('declares down at the threshold only, and up at the first success', () => {
    const { states, alarms } = replay(
      [
        [0, 'failed'],
        [1, 'failed'],
        [2, 'failed'],
        [3, 'failed'],
        [4, 'ok'],
      ],
      3,
    );
    expect(states).toEqual(['up', 'up', 'down', 'down', 'up']);
    expect(alarms).toEqual([
      { minute: 2, type: 'service_down' },
      { minute: 4, type: 'service_recovered' },
    ]);
  });

  it('records the change time as since, and keeps it while the state holds', () => {
    const row: HostRecord = { state: 'up', since: at(0), failures: 0, alarmType: null, alarmAt: null };
    expect(nextStep(row, 'ok', { failuresToDown: 3, now: at(5) })).toMatchObject({ since: at(0), change: null, alarm: null });
    expect(nextStep({ ...row, failures: 2 }, 'failed', { failuresToDown: 3, now: at(5) })).toMatchObject({ state: 'down', since: at(5), change: { from: 'up', to: 'down' } });
  });

  it('raises no alarm for a host that was never checked and turns up, nor for one with nothing released', () => {
    const row: HostRecord = { state: 'unknown', since: at(0), failures: 0, alarmType: null, alarmAt: null };
    expect(nextStep(row, 'ok', { failuresToDown: 3, now: at(1) })).toMatchObject({ state: 'up', change: { from: 'unknown', to: 'up' }, alarm: null });
    expect(nextStep({ ...row, state: 'up' }, 'empty', { failuresToDown: 3, now: at(1) })).toMatchObject({ state: 'unknown', failures: 0, alarm: null });
  });

  it('damps a flapping host: one down and one recovery per quiet window, and a lasting outage is still reported', () => {
    const flaps: [number, Outcome][] = [];
    for (let minute = 0; minute < 8; minute += 2) flaps.push([minute, 'failed'], [minute + 1, 'ok']);
    const { alarms } = replay([...flaps, [9, 'failed'], [10, 'failed'], [12, 'failed'], [13, 'ok']]);
    expect(alarms).toEqual([
      { minute: 0, type: 'service_down' },
      { minute: 1, type: 'service_recovered' },
      // Down again at 9 inside the window that began with the recovery at 1; still down when it ends at 11.
      { minute: 12, type: 'service_down' },
      { minute: 13, type: 'service_recovered' },
    ]);
  });

  it('never sends more than two alarms, nor more than one down alarm, in any quiet window', () => {
    const outcomes: [number, Outcome][] = [];
    for (let minute = 0; minute < 120; minute++) outcomes.push([minute, minute % 7 < 3 || minute % 11 === 0 ? 'failed' : 'ok']);
    const { alarms } = replay(outcomes);
    expect(alarms.length).toBeGreaterThan(4);
    for (const first of alarms) {
      const inWindow = alarms.filter((a) => a.minute >= first.minute && (a.minute - first.minute) * MINUTE < ALARM_QUIET_MS);
      expect(inWindow.length).toBeLessThanOrEqual(2);
      expect(inWindow.filter((a) => a.type === 'service_down').length).toBeLessThanOrEqual(1);
    }
  });
});
