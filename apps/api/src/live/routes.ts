import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { CLOSE_NOT_FOUND, CLOSE_TOO_SLOW, CLOSE_UNAUTHORIZED, type ServiceLogMessage } from '@rp/contract/feed';
import { errorResponses } from '@rp/contract/common';
import { LiveQuery, WsTicketView } from '@rp/contract/live';
import { ReleaseIdParams } from '@rp/contract/releases';
import { ServiceHostParams, ServiceLogFollowQuery } from '@rp/contract/supervision';
import { allow } from '../plugins/app/auth/permissions.js';
import { actorOf, requestContext } from '../plugins/app/auth/request-context.js';
import { groupOf } from '../plugins/app/auth/scopes.js';
import { Forbidden, NotFound } from '../shared/errors.js';
import { followServiceLog, serviceLogWatch } from '../supervision/log-follow.js';
import { releaseWatch, ViewerAccess } from './access.js';
import { LiveFeed } from './feed.js';
import { issueTicket } from './tickets.js';

/** A viewer that cannot keep up is dropped rather than buffered without bound or allowed to slow the release. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;
/** Each log follow holds an SSH connection to its host; a user with more tabs than this closes one first. */
const MAX_FOLLOWS_PER_USER = 8;
/** WebSocket's "try again later". */
const CLOSE_TRY_LATER = 1013;

/** A close frame's reason is at most 123 bytes; longer ones would throw instead of closing. */
function closeReason(reason: string): string {
  const bytes = Buffer.from(reason);
  return bytes.length <= 123 ? reason : `${new TextDecoder().decode(bytes.subarray(0, 120)).replace(/\uFFFD$/, '')}...`;
}

/**
 * The live sockets, open for as long as their viewer may see what they show:
 * - `/ws/releases/:id?since=<seq>&ticket=<ticket>`: a snapshot of the release and its log after `since`, then live
 *   events;
 * - `/ws/environments/:id/servers/:serverId/service/logs?lines=<n>&ticket=<ticket>`: the service log of one host,
 *   followed (ServiceLogMessage).
 */
export const liveRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const feed = new LiveFeed({ db: app.db, subscriber: app.subscriber, log: app.log });
  const access = new ViewerAccess({ db: app.db, subscriber: app.subscriber, log: app.log, recheckSeconds: app.config.wsRecheckSeconds });
  app.addHook('onClose', async () => {
    access.close();
    feed.close();
  });

  // A handshake refused by the permission guard (401, 403) is answered before @fastify/websocket's own hooks run,
  // and HTTP no longer owns an upgrade's socket: without this, every refusal would leave a half-open socket behind.
  app.addHook('onResponse', async (request) => {
    if (request.headers.upgrade?.toLowerCase() === 'websocket') request.raw.socket.destroy();
  });

  app.post(
    '/api/ws-ticket',
    {
      // Watching needs no more than reading, so a read-only API token may ask too.
      config: { permission: allow.user('read') },
      schema: { tags: ['releases'], summary: 'A single-use ticket (30 s) for opening one live WebSocket', response: { 200: WsTicketView, ...errorResponses } },
    },
    async (request) => issueTicket(app.db, actorOf(request)),
  );

  app.get(
    '/ws/releases/:id',
    {
      websocket: true,
      config: { permission: allow.group('viewer', groupOf.release) },
      schema: { params: ReleaseIdParams, querystring: LiveQuery },
    },
    async (socket, request) => {
      const { id } = request.params as { id: string };
      const actor = actorOf(request);
      if (!(await app.db.release.findUnique({ where: { id }, select: { id: true } }))) {
        socket.close(CLOSE_NOT_FOUND, 'release not found');
        return;
      }
      // Gone while we looked: no close event would ever unregister it.
      if (socket.readyState !== socket.OPEN) return;
      const forget = access.add({
        userId: actor.userId,
        sessionId: actor.sessionId,
        tokenId: actor.tokenId,
        watches: releaseWatch(id),
        close: (code, reason) => socket.close(code, closeReason(reason)),
      });
      const since = (request.query as { since?: number }).since ?? 0;
      const leave = feed.join(id, {
        send: (payload) => {
          if (socket.readyState !== socket.OPEN) return;
          if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
            socket.close(CLOSE_TOO_SLOW, 'client too slow; reconnect with ?since=<last seq>');
            return;
          }
          // Bytes go out as a text frame too: JSON viewers read strings, and the bytes were encoded once for all.
          socket.send(payload, { binary: false });
        },
      }, since);
      socket.on('close', () => {
        forget();
        leave();
      });
    },
  );

  const follows = new Map<string, number>();
  app.get(
    '/ws/environments/:id/servers/:serverId/service/logs',
    {
      websocket: true,
      // The floor; the environment's release policy is checked inside, on the handshake and for as long as it is open.
      config: { permission: allow.group('developer', groupOf.environment) },
      schema: { params: ServiceHostParams, querystring: ServiceLogFollowQuery },
    },
    async (socket, request) => {
      const { id: environmentId, serverId } = request.params as { id: string; serverId: string };
      const { lines } = request.query as { lines: number };
      const actor = actorOf(request);
      if ((follows.get(actor.userId) ?? 0) >= MAX_FOLLOWS_PER_USER) {
        socket.close(CLOSE_TRY_LATER, `at most ${MAX_FOLLOWS_PER_USER} service logs followed at once; close one`);
        return;
      }
      follows.set(actor.userId, (follows.get(actor.userId) ?? 0) + 1);
      const stop = new AbortController();
      const forget = access.add({
        userId: actor.userId,
        sessionId: actor.sessionId,
        tokenId: actor.tokenId,
        watches: serviceLogWatch({ environmentId, serverId }),
        close: (code, reason) => {
          stop.abort();
          socket.close(code, closeReason(reason));
        },
      });
      socket.on('close', () => stop.abort());
      const send = (message: ServiceLogMessage) => {
        if (socket.readyState !== socket.OPEN) return;
        if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
          stop.abort();
          socket.close(CLOSE_TOO_SLOW, 'client too slow; follow again');
          return;
        }
        socket.send(JSON.stringify(message));
      };
      try {
        const deps = { db: app.db, secrets: app.secrets, ssh: app.ssh, actor, ctx: requestContext(request) };
        await followServiceLog(deps, { environmentId, serverId, lines }, send, stop.signal);
        if (socket.readyState === socket.OPEN) socket.close(1000, 'ended');
      } catch (error) {
        const code = error instanceof NotFound ? CLOSE_NOT_FOUND : error instanceof Forbidden ? CLOSE_UNAUTHORIZED : 1011;
        if (code === 1011) request.log.error({ err: error }, 'following a service log failed');
        if (socket.readyState === socket.OPEN) socket.close(code, closeReason(code === 1011 ? 'internal error' : (error as Error).message));
      } finally {
        forget();
        const left = (follows.get(actor.userId) ?? 1) - 1;
        if (left > 0) follows.set(actor.userId, left);
        else follows.delete(actor.userId);
      }
    },
  );
};
