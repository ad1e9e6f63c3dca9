/**
 * The live channel's wire format. Log lines are the bulk of it (thousands a second, to every viewer), so they
 * travel grouped by (stage, target, stream) as `[seq, epochMs, text]` rows instead of one object per line: about a
 * quarter of the bytes, and of the JSON every viewer has to parse. Other events travel as they are stored.
 */
export interface EventView {
  seq: number;
  at: string;
  type: string;
  stage: string | null;
  target: string | null;
  stream: string | null;
  text: string | null;
  data: unknown;
}

export interface LineGroup {
  stage: string | null;
  target: string | null;
  stream: string | null;
  rows: [seq: number, atMs: number, text: string][];
}

export interface EncodedEvents {
  events: EventView[];
  lines: LineGroup[];
}

export function encodeEvents(all: readonly EventView[]): EncodedEvents {
  const events: EventView[] = [];
  const lines: LineGroup[] = [];
  let group: LineGroup | null = null;
  for (const e of all) {
    if (e.type !== 'log') {
      events.push(e);
      continue;
    }
    if (!group || group.stage !== e.stage || group.target !== e.target || group.stream !== e.stream) {
      group = { stage: e.stage, target: e.target, stream: e.stream, rows: [] };
      lines.push(group);
    }
    group.rows.push([e.seq, Date.parse(e.at), e.text ?? '']);
  }
  return { events, lines };
}

/** The inverse, for consumers that want one ordered list (tests, the benchmark; the SPA has its own copy). */
export function decodeEvents(encoded: EncodedEvents): EventView[] {
  const out: EventView[] = [...encoded.events];
  for (const g of encoded.lines) {
    for (const [seq, atMs, text] of g.rows) {
      out.push({ seq, at: new Date(atMs).toISOString(), type: 'log', stage: g.stage, target: g.target, stream: g.stream, text, data: null });
    }
  }
  return out.sort((a, b) => a.seq - b.seq);
}
