import WebSocket from 'ws';
import { BEARER_PROTOCOL_PREFIX, decodeEvents, FEED_PROTOCOL } from '@rp/contract/feed';

export interface FeedEvent {
  seq: number;
  type: string;
  text: string | null;
}

/** The subprotocols a non-browser viewer offers to authenticate its handshake without putting the token in the URL. */
export const bearerProtocols = (token: string) => [FEED_PROTOCOL, `${BEARER_PROTOCOL_PREFIX}${token}`];

/** A live viewer: collects every event it is sent, and the latest release state. */
export function watch(baseUrl: string, token: string, id: string, since = 0) {
  const events: FeedEvent[] = [];
  let state = '';
  const socket = new WebSocket(`${baseUrl.replace('http', 'ws')}/ws/releases/${id}?since=${since}`, bearerProtocols(token));
  socket.on('message', (raw) => {
    const message = JSON.parse(raw.toString());
    if (message.type === 'snapshot' || message.type === 'release') state = message.release.state;
    if (message.type === 'snapshot' || message.type === 'events') events.push(...decodeEvents(message));
  });
  const opened = new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  return { events, state: () => state, opened, close: () => socket.close() };
}

export async function until(check: () => boolean, what: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

