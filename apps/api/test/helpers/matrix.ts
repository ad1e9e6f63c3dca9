import type { GroupRole } from '../../src/generated/prisma/enums.js';
import type { TestApp, TestUser } from './test-app.js';

/** Shapes of the permission matrix (apps/api/test/permission-matrix.integration.test.ts) and its per-domain row files. */
export type Who = 'admin' | GroupRole | 'outsider';
export const everyone: Who[] = ['admin', 'owner', 'developer', 'viewer', 'outsider'];

export interface Ctx {
  t: TestApp;
  groupId: string;
  actor: TestUser;
}
export interface Case {
  allowed: Who[];
  /** Builds the request; runs once per role so destructive routes get their own target each time. */
  request: (ctx: Ctx) => Promise<{ url: string; payload?: unknown }>;
  /** For routes that are not plain HTTP (the WebSocket): how to call it; answers the HTTP status it got. */
  send?: (t: TestApp, token: string | null, url: string) => Promise<number>;
}

/** A WebSocket handshake: 101 is the allowed case; refusals surface as the HTTP status of the upgrade response. */
export async function handshake(t: TestApp, token: string | null, url: string): Promise<number> {
  try {
    const socket = await t.app.injectWS(url, token ? { headers: { authorization: `Bearer ${token}` } } : {});
    socket.terminate();
    return 200;
  } catch (error) {
    const status = /(\d{3})/.exec((error as Error).message)?.[1];
    if (!status) throw error;
    return Number(status);
  }
}
