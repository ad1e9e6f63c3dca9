import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { errorResponses, IdParams } from '@rp/contract/common';
import { GitHostKeyPage, GitHostKeyQuery } from '@rp/contract/git-hosts';
import { allow } from '../plugins/app/auth/permissions.js';
import { requestContext } from '../plugins/app/auth/request-context.js';
import { deleteGitHostKey, listGitHostKeys } from './service.js';

export const gitHostRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['git-hosts'];

  app.get(
    '/api/git-host-keys',
    {
      config: { permission: allow.user() },
      schema: { tags, summary: 'SSH host keys pinned per Git host and port on first use; search by host', querystring: GitHostKeyQuery, response: { 200: GitHostKeyPage, ...errorResponses } },
    },
    async (request) => listGitHostKeys({ db: app.db }, request.query),
  );

  app.delete(
    '/api/git-host-keys/:id',
    {
      config: { permission: allow.admin() },
      schema: { tags, summary: 'Reset a pin: the next Git call to that host trusts the key it presents then (administrators)', params: IdParams, response: { 204: Type.Null(), ...errorResponses } },
    },
    async (request, reply) => {
      await deleteGitHostKey({ db: app.db, ctx: requestContext(request) }, { id: request.params.id });
      return reply.code(204).send(null);
    },
  );
};
