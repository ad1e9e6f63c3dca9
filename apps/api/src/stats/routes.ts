import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { allow } from '../plugins/app/auth/permissions.js';
import { actorOf } from '../plugins/app/auth/request-context.js';
import { errorResponses } from '@rp/contract/common';
import { EnvironmentVersions, ReleaseStats, SetupProgress, StatsQuery } from '@rp/contract/stats';
import { environmentVersions } from './environment-versions.js';
import { releaseStats } from './service.js';
import { setupProgress } from './setup.js';

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

  app.get(
    '/api/stats/setup',
    {
      config: { permission: allow.user() },
      schema: {
        tags: ['stats'],
        summary: 'How many groups, credentials, servers, projects, environments and releases you can see: the getting-started checklist',
        response: { 200: SetupProgress, ...errorResponses },
      },
    },
    async (request) => setupProgress({ db: app.db, actor: actorOf(request) }),
  );

  app.get(
    '/api/stats/environment-versions',
    {
      config: { permission: allow.user() },
      schema: {
        tags: ['stats'],
        summary: 'What each environment you can see runs now (its last succeeded release; a rollback stands for its target)',
        response: { 200: EnvironmentVersions, ...errorResponses },
      },
    },
    async (request) => environmentVersions({ db: app.db, actor: actorOf(request) }),
  );
};
