import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses } from '@rp/contract/common';
import { VersionsOverviewPage, VersionsOverviewQuery } from '@rp/contract/versions-overview';
import { allow } from '../plugins/app/auth/permissions.js';
import { actorOf } from '../plugins/app/auth/request-context.js';
import { versionsOverview } from './overview.js';

export const versionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/versions/overview',
    {
      config: { permission: allow.user() },
      schema: {
        tags: ['versions'],
        summary: 'What runs where: per project of your groups, each environment\'s current release and each host\'s recorded one (no SSH)',
        querystring: VersionsOverviewQuery,
        response: { 200: VersionsOverviewPage, ...errorResponses },
      },
    },
    async (request) => versionsOverview({ db: app.db, actor: actorOf(request) }, request.query),
  );
};
