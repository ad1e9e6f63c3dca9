import type { FeedEvents, FeedLineGroup, ReleaseEvent } from '@/api/releases';

/** What the API's live channel puts on the wire for these events: log lines grouped, everything else whole. */
export function encodeFeed(all: ReleaseEvent[]): FeedEvents {
  const events: ReleaseEvent[] = [];
  const lines: FeedLineGroup[] = [];
  let group: FeedLineGroup | null = null;
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
