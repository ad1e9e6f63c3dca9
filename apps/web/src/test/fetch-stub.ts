import { vi } from 'vitest';

export interface RecordedRequest {
  url: string;
  method: string;
  headers: Headers;
  body: unknown;
}

type Responder = (req: RecordedRequest) => Response | Promise<Response>;

export function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

/**
 * Replaces `fetch` — the network edge — with routes keyed by "METHOD /path".
 * Everything above it (http client, stores, router) runs for real.
 */
export function stubFetch(routes: Record<string, Responder>): RecordedRequest[] {
  const calls: RecordedRequest[] = [];
  vi.stubGlobal('fetch', async (input: string, init: RequestInit = {}) => {
    const req: RecordedRequest = {
      url: input,
      method: init.method ?? 'GET',
      headers: new Headers(init.headers),
      body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
    };
    calls.push(req);
    const responder = routes[`${req.method} ${new URL(input, 'http://localhost').pathname}`];
    if (!responder) throw new TypeError(`Failed to fetch ${req.method} ${input}`);
    return responder(req);
  });
  return calls;
}

export const adminUser = {
  id: 'u1',
  username: 'admin',
  displayName: '管理员',
  email: null,
  isAdmin: true,
  memberships: [],
};
