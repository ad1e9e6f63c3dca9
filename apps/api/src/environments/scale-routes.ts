import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses, IdParams } from '@rp/contract/common';
import { ScaleInParams, ScaleInQuery, ScaleInResult, ScaleOutBody, ScaleOutResult } from '@rp/contract/scale';
import { allow } from '../plugins/app/auth/permissions.js';
import { actorOf, requestContext } from '../plugins/app/auth/request-context.js';
import { groupOf } from '../plugins/app/auth/scopes.js';
import { scaleIn, scaleOut } from './scale.js';

/** Scale out and in (扩容/缩容): made for internal tools with an API token as much as for the SPA. */
export const scaleRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['environments'];

  app.post(
    '/api/environments/:id/servers',
    {
      config: { permission: allow.group('owner', groupOf.environment) },
      schema: {
        tags,
        summary: 'Scale out: add servers to the environment and deploy its current release to them at once (a release of kind scale_out)',
        params: IdParams,
        body: ScaleOutBody,
        response: { 201: ScaleOutResult, ...errorResponses },
      },
    },
    async (request, reply) => reply.code(201).send(await scaleOut({ db: app.db, actor: actorOf(request), ctx: requestContext(request) }, { environmentId: request.params.id, ...request.body })),
  );

  app.delete(
    '/api/environments/:id/servers/:serverId',
    {
      config: { permission: allow.group('owner', groupOf.environment) },
      schema: {
        tags,
        summary: 'Scale in: run the offline script on the server, stop its service, optionally delete the deploy path, then remove it from the environment (409 with the steps when one fails, unless force)',
        params: ScaleInParams,
        querystring: ScaleInQuery,
        response: { 200: ScaleInResult, ...errorResponses },
      },
    },
    async (request) =>
      scaleIn({ db: app.db, secrets: app.secrets, ssh: app.ssh, ctx: requestContext(request) }, { environmentId: request.params.id, serverId: request.params.serverId, ...request.query }),
  );
};
