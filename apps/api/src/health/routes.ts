import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { allow } from '../plugins/app/auth/permissions.js';

const Status = Type.Object({ status: Type.String(), error: Type.Optional(Type.String()) });

export const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/healthz',
    { config: { permission: allow.public() }, logLevel: 'warn', schema: { tags: ['health'], summary: 'Liveness', response: { 200: Status } } },
    async () => ({ status: 'ok' }),
  );

  app.get(
    '/readyz',
    { config: { permission: allow.public() }, logLevel: 'warn', schema: { tags: ['health'], summary: 'Readiness: the database answers', response: { 200: Status, 503: Status } } },
    async (_request, reply) => {
      try {
        await app.db.$queryRaw`SELECT 1`;
        return { status: 'ready' };
      } catch {
        return reply.code(503).send({ status: 'unavailable', error: 'database unreachable' });
      }
    },
  );
};
