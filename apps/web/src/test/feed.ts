import { encodeEvents, type EncodedEvents } from '@rp/contract/feed';
import type { ReleaseEvent } from '@/api/releases';

/** What the API's live channel puts on the wire for these events, with the API's own encoder. */
export function encodeFeed(all: ReleaseEvent[]): EncodedEvents {
  return encodeEvents(all.map((e) => ({ ...e, at: new Date(e.at) })));
}
