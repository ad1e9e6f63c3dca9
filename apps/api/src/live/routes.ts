import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { CLOSE_NOT_FOUND, CLOSE_TOO_SLOW } from '@rp/contract/feed';
import { ReleaseIdParams } from '@rp/contract/releases';
import { allow } from '../plugins/app/auth/permissions.js';
import { groupOf } from '../plugins/app/auth/scopes.js';
import { LiveFeed } from './feed.js';

/** A viewer that cannot keep up is dropped rather than buffered without bound or allowed to slow the release. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

/** `/ws/releases/:id?since=<seq>`: a snapshot of the release and its log after `since`, then live events. */
export const liveRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const feed = new LiveFeed({ db: app.db, subscriber: app.subscriber, log: app.log });
  app.addHook('onClose', async () => feed.close());

  app.get(
    '/ws/releases/:id',
    {
      websocket: true,
      config: { permission: allow.group('viewer', groupOf.release) },
      schema: {
        params: ReleaseIdParams,
        querystring: Type.Object({ since: Type.Optional(Type.Integer({ minimum: 0 })), token: Type.Optional(Type.String({ maxLength: 4096 })) }, { additionalProperties: false }),
      },
    },
    async (socket, request) => {
      const { id } = request.params as { id: string };
      if (!(await app.db.release.findUnique({ where: { id }, select: { id: true } }))) {
        socket.close(CLOSE_NOT_FOUND, 'release not found');
        return;
      }
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
      socket.on('close', leave);
    },
  );
};
