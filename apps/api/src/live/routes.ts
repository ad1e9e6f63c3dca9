import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { CLOSE_NOT_FOUND, CLOSE_TOO_SLOW } from '@rp/contract/feed';
import { errorResponses } from '@rp/contract/common';
import { LiveQuery, WsTicketView } from '@rp/contract/live';
import { ReleaseIdParams } from '@rp/contract/releases';
import { allow } from '../plugins/app/auth/permissions.js';
import { actorOf } from '../plugins/app/auth/request-context.js';
import { groupOf } from '../plugins/app/auth/scopes.js';
import { ViewerAccess } from './access.js';
import { LiveFeed } from './feed.js';
import { issueTicket } from './tickets.js';

/** A viewer that cannot keep up is dropped rather than buffered without bound or allowed to slow the release. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

/**
 * `/ws/releases/:id?since=<seq>&ticket=<ticket>`: a snapshot of the release and its log after `since`, then live
 * events, for as long as the viewer may see the release.
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
        releaseId: id,
        close: (code, reason) => socket.close(code, reason),
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
};
