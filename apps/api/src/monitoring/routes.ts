import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses, IdParams } from '@rp/contract/common';
import { EnvironmentStatus, HostStatusChangePage, HostStatusChangeQuery, MonitorSettings, UpdateMonitorBody } from '@rp/contract/monitoring';
import { allow } from '../plugins/app/auth/permissions.js';
import { requestContext } from '../plugins/app/auth/request-context.js';
import { groupOf } from '../plugins/app/auth/scopes.js';
import { environmentStatus, listStatusChanges, updateMonitor } from './service.js';

export const monitoringRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['monitoring'];

  app.get(
    '/api/environments/:id/status',
    {
      config: { permission: allow.group('viewer', groupOf.environment) },
      schema: { tags, summary: 'What the last check of each server of the environment found, and the monitoring settings', params: IdParams, response: { 200: EnvironmentStatus, ...errorResponses } },
    },
    async (request) => environmentStatus({ db: app.db }, { id: request.params.id }),
  );

  app.get(
    '/api/environments/:id/status/changes',
    {
      config: { permission: allow.group('viewer', groupOf.environment) },
      schema: { tags, summary: 'When the environment\'s servers went up, down or unknown, newest first', params: IdParams, querystring: HostStatusChangeQuery, response: { 200: HostStatusChangePage, ...errorResponses } },
    },
    async (request) => listStatusChanges({ db: app.db }, { id: request.params.id, query: request.query }),
  );

  app.patch(
    '/api/environments/:id/monitor',
    {
      config: { permission: allow.group('owner', groupOf.environment) },
      schema: { tags, summary: 'Pause or resume monitoring, or change its interval and failure threshold', params: IdParams, body: UpdateMonitorBody, response: { 200: MonitorSettings, ...errorResponses } },
    },
    async (request) => updateMonitor({ db: app.db, ctx: requestContext(request) }, { id: request.params.id, changes: request.body }),
  );
};
