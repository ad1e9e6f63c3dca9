import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Reply {
  status: number;
  body: unknown;
}

/** One stand-in endpoint: its path and how it answers a POST (url with query, headers, raw body). */
export interface Robot {
  path: string;
  handle(url: URL, headers: IncomingHttpHeaders, raw: string): Reply;
}

export interface Received {
  path: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: unknown;
  reply: Reply;
}

export interface RobotServer {
  url: string;
  /** Every request that reached a robot, with what it answered. */
  received: Received[];
  /** While true, requests are recorded but never answered (a robot that hangs). */
  hold: boolean;
  close(): Promise<void>;
}

/** A robot that answers `reply` (an outage, an error code) to its first `times` requests, then as `robot` does. */
export function failingFirst(robot: Robot, times: number, reply: Reply): Robot {
  let left = times;
  return { path: robot.path, handle: (url, headers, raw) => (left-- > 0 ? reply : robot.handle(url, headers, raw)) };
}

/** An HTTP server on 127.0.0.1 for the given robots, answering as the real services do; `port` to come back on one. */
export async function startRobots(robots: Robot[], { port = 0 }: { port?: number } = {}): Promise<RobotServer> {
  const received: Received[] = [];
  const state = { hold: false };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://stand-in');
      const robot = robots.find((r) => r.path === url.pathname);
      const raw = Buffer.concat(chunks).toString('utf8');
      const reply: Reply = request.method !== 'POST' || !robot ? { status: 404, body: { error: 'not found' } } : robot.handle(url, request.headers, raw);
      let body: unknown = raw;
      try {
        body = JSON.parse(raw);
      } catch {
        // Kept as text: a robot refuses it anyway.
      }
      received.push({ path: url.pathname, url: request.url ?? '', headers: request.headers, body, reply });
      if (state.hold) return;
      response.writeHead(reply.status, { 'content-type': 'application/json' }).end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    get hold() {
      return state.hold;
    },
    set hold(value: boolean) {
      state.hold = value;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
