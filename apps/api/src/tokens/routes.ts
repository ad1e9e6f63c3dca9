import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { allow } from '../plugins/app/auth/permissions.js';
import { actorOf, requestContext } from '../plugins/app/auth/request-context.js';
import { errorResponses } from '@rp/contract/common';
import { CreatedToken, CreateTokenBody, TokenIdParams, TokenPage, TokenQuery } from '@rp/contract/tokens';
import { createToken, listTokens, revokeToken } from './service.js';

export const tokenRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/tokens',
    { config: { permission: allow.user() }, schema: { tags: ['tokens'], summary: 'Your API tokens', querystring: TokenQuery, response: { 200: TokenPage, ...errorResponses } } },
    async (request) => listTokens({ db: app.db, actor: actorOf(request) }, request.query),
  );

  app.post(
    '/api/tokens',
    {
      config: { permission: allow.user() },
      schema: { tags: ['tokens'], summary: 'Create an API token (the token is shown once)', body: CreateTokenBody, response: { 201: CreatedToken, ...errorResponses } },
    },
    async (request, reply) => reply.code(201).send(await createToken({ db: app.db, actor: actorOf(request), ctx: requestContext(request) }, request.body)),
  );

  app.delete(
    '/api/tokens/:id',
    { config: { permission: allow.user() }, schema: { tags: ['tokens'], summary: 'Revoke an API token', params: TokenIdParams, response: { 204: Type.Null(), ...errorResponses } } },
    async (request, reply) => {
      await revokeToken({ db: app.db, actor: actorOf(request), ctx: requestContext(request) }, { id: request.params.id });
      return reply.code(204).send(null);
    },
  );
};
