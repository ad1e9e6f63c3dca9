import type { FeedEvents, FeedLineGroup, ReleaseEvent } from '@/api/releases';

/** What the API's live channel puts on the wire for these events: log lines grouped, everything else whole. */
export function encodeFeed(all: ReleaseEvent[]): FeedEvents {
  const events: ReleaseEvent[] = [];
  const lines: FeedLineGroup[] = [];
  let group: FeedLineGroup | null = null;
  let lastSeq = 0;
  let lastAt = 0;
  for (const e of all) {
    if (e.type !== 'log') {
      events.push(e);
      continue;
    }
    const atMs = Date.parse(e.at);
    if (!group || group.stage !== e.stage || group.target !== e.target || group.stream !== e.stream) {
      group = { stage: e.stage, target: e.target, stream: e.stream, seq: [e.seq], at: [atMs], text: [] };
      lines.push(group);
    } else {
      group.seq.push(e.seq - lastSeq);
      group.at.push(atMs - lastAt);
    }
    group.text.push(e.text ?? '');
    lastSeq = e.seq;
    lastAt = atMs;
  }
  return { events, lines };
}
