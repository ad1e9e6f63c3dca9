import fastifyWebsocket from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import { FEED_PROTOCOL } from '@rp/contract/feed';

export async function registerWebsocket(app: FastifyInstance): Promise<void> {
  // Viewers may offer `bearer.<token>` as a subprotocol to authenticate: answer with the feed's own, never the token.
  await app.register(fastifyWebsocket, { options: { maxPayload: 64 * 1024, handleProtocols: (offered) => (offered.has(FEED_PROTOCOL) ? FEED_PROTOCOL : false) } });
}
