import { describe, expect, it } from 'vitest';
import { decodeEvents, encodeEvents, type EventView, type StoredEvent } from './feed.js';

const log = (seq: number, stage: string, target: string | null, text: string): StoredEvent => ({
  seq,
  at: new Date(1_700_000_000_000 + seq),
  type: 'log',
  stage,
  target,
  stream: 'stdout',
  text,
  data: null,
});

describe('live feed wire format', () => {
  const events: StoredEvent[] = [
    { seq: 1, at: new Date(1_700_000_000_000), type: 'stage.started', stage: 'build', target: null, stream: null, text: null, data: { stage: 'build' } },
    log(2, 'build', null, 'npm ci'),
    log(3, 'build', null, 'done'),
    log(4, 'upload', 't1', 'sent'),
    { seq: 5, at: new Date(1_700_000_000_005), type: 'target.failed', stage: 'upload', target: 't2', stream: null, text: null, data: { error: 'x' } },
    log(6, 'build', null, 'late line, new group'),
  ];

  it('round-trips every event, in seq order', () => {
    const asViewed: EventView[] = events.map((e) => ({ ...e, at: e.at.toISOString() }));
    expect(decodeEvents(encodeEvents(events))).toEqual(asViewed);
  });

  it('groups consecutive lines of one stream and keeps other events whole', () => {
    const encoded = encodeEvents(events);
    expect(encoded.events.map((e) => e.seq)).toEqual([1, 5]);
    expect(encoded.lines.map((g) => [g.stage, g.target, g.seq, g.text])).toEqual([
      ['build', null, [2, 1], ['npm ci', 'done']],
      ['upload', 't1', [4], ['sent']],
      ['build', null, [6], ['late line, new group']],
    ]);
    expect(encoded.lines[0]?.at).toEqual([1_700_000_000_002, 1]);
  });

  it('is much smaller than one object per line', () => {
    const many = Array.from({ length: 1000 }, (_, i) => log(i + 1, 'hook:before-release', '7b1c9f0e-2f43-4a8e-9d55-0d6c3b1f2a77', `BENCH ${i + 1} 1763904443123.456`));
    const ratio = JSON.stringify(encodeEvents(many)).length / JSON.stringify(many.map((e) => ({ ...e, at: e.at.toISOString() }))).length;
    expect(ratio).toBeLessThan(0.25);
  });
});
