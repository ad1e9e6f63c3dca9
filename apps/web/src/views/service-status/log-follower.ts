import { CLOSE_NOT_FOUND, CLOSE_TOO_SLOW, CLOSE_UNAUTHORIZED, type ServiceLogEnd, type ServiceLogMessage } from '@rp/contract/feed';
import { issueWsTicket } from '@/api/releases';
import { serviceLogSocketUrl } from '@/api/services';
import type { SocketFactory, TicketSource } from '@/stores/release-live';

export interface FollowedLine {
  stream: 'stdout' | 'stderr';
  text: string;
}

/** Why following stopped: the server's reason, or what the socket's close said. */
export type FollowEnd =
  | { reason: ServiceLogEnd; message: string }
  | { reason: 'revoked' | 'not-found' | 'too-slow' | 'closed'; message: string };

export interface FollowHandlers {
  onLines(lines: FollowedLine[]): void;
  /** Called once, unless the viewer stopped following itself. */
  onEnd(end: FollowEnd): void;
}

function endOfClose(code: number, reason: string): FollowEnd {
  if (code === CLOSE_UNAUTHORIZED) return { reason: 'revoked', message: reason };
  if (code === CLOSE_NOT_FOUND) return { reason: 'not-found', message: reason };
  if (code === CLOSE_TOO_SLOW) return { reason: 'too-slow', message: reason };
  return { reason: 'closed', message: reason };
}

/**
 * Follows one host's service log: the last `lines`, then each new line, until the server ends it or the returned
 * function is called. No reconnect: a follow that ended says why, and following again starts with the last lines.
 */
export function followServiceLog(
  target: { environmentId: string; serverId: string; lines: number },
  handlers: FollowHandlers,
  { tickets = issueWsTicket, factory = (url: string) => new WebSocket(url) }: { tickets?: TicketSource; factory?: SocketFactory } = {},
): () => void {
  let stopped = false;
  let ended = false;
  let close: (() => void) | undefined;
  const end = (why: FollowEnd) => {
    if (stopped || ended) return;
    ended = true;
    handlers.onEnd(why);
  };
  void tickets().then(
    (ticket) => {
      if (stopped) return;
      const socket = factory(serviceLogSocketUrl(target.environmentId, target.serverId, target.lines, ticket));
      close = () => socket.close(1000, 'viewer left');
      socket.onmessage = (ev) => {
        const message = JSON.parse(String(ev.data)) as ServiceLogMessage;
        if (message.type === 'lines') handlers.onLines(message.text.map((text) => ({ stream: message.stream, text })));
        else end({ reason: message.reason, message: message.message });
      };
      socket.onclose = (ev) => end(endOfClose(ev.code, ev.reason));
    },
    (error: unknown) => end({ reason: 'closed', message: error instanceof Error ? error.message : String(error) }),
  );
  return () => {
    stopped = true;
    close?.();
  };
}
