import fastifyWebsocket from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';

export async function registerWebsocket(app: FastifyInstance): Promise<void> {
  await app.register(fastifyWebsocket, { options: { maxPayload: 64 * 1024 } });
}
