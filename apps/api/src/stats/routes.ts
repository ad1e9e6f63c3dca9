import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { allow } from '../plugins/app/auth/permissions.js';
import { actorOf } from '../plugins/app/auth/request-context.js';
import { errorResponses } from '@rp/contract/common';
import { ReleaseStats, StatsQuery } from '@rp/contract/stats';
import { releaseStats } from './service.js';

export const statsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/stats/releases',
    {
      config: { permission: allow.user() },
      schema: {
        tags: ['stats'],
        summary: 'Releases per day, success rate and median duration per project, and what is running now — for the groups you can see',
        querystring: StatsQuery,
        response: { 200: ReleaseStats, ...errorResponses },
      },
    },
    async (request) => releaseStats({ db: app.db, actor: actorOf(request) }, request.query),
  );
};
