import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { errorResponses, IdParams } from '@rp/contract/common';
import {
  ServiceEnvironmentActionParams,
  ServiceEnvironmentResult,
  ServiceHostActionParams,
  ServiceHostParams,
  ServiceLogsQuery,
  ServiceOperationResult,
  ServicePreview,
  ServicePreviewQuery,
} from '@rp/contract/supervision';
import { allow } from '../plugins/app/auth/permissions.js';
import { actorOf, requestContext } from '../plugins/app/auth/request-context.js';
import { groupOf } from '../plugins/app/auth/scopes.js';
import { environmentOperation, hostOperation, servicePreview, type OperationDeps } from './operations.js';

/**
 * The project's service on its hosts: what a release would install, and start / stop / restart / status / logs
 * per host or for the whole environment. Operations need what a release to the environment needs (owners, and
 * developers where its policy lets them release); the route permission is the floor, the policy is checked inside.
 */
export const supervisionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['service'];
  const deps = (request: FastifyRequest): OperationDeps => ({ db: app.db, secrets: app.secrets, ssh: app.ssh, actor: actorOf(request), ctx: requestContext(request) });

  app.get(
    '/api/projects/:id/service-preview',
    {
      config: { permission: allow.group('viewer', groupOf.project) },
      schema: {
        tags,
        summary: 'The service files and scripts a release installs on the hosts of one environment of the project',
        params: IdParams,
        querystring: ServicePreviewQuery,
        response: { 200: ServicePreview, ...errorResponses },
      },
    },
    async (request) => servicePreview({ db: app.db }, { projectId: request.params.id, environmentId: request.query.environmentId }),
  );

  app.post(
    '/api/environments/:id/servers/:serverId/service/status',
    {
      config: { permission: allow.group('developer', groupOf.environment, 'read') },
      schema: {
        tags,
        summary: 'Ask the service manager of one host; the output ends with a line `STATE RUNNING pid <n>`, `STATE STOPPED <why>` or `STATE UNKNOWN <why>`',
        params: ServiceHostParams,
        response: { 200: ServiceOperationResult, ...errorResponses },
      },
    },
    async (request) => hostOperation(deps(request), { environmentId: request.params.id, serverId: request.params.serverId, operation: 'status' }),
  );

  app.post(
    '/api/environments/:id/servers/:serverId/service/:action',
    {
      config: { permission: allow.group('developer', groupOf.environment, 'release') },
      schema: { tags, summary: 'Start, stop or restart the service on one host', params: ServiceHostActionParams, response: { 200: ServiceOperationResult, ...errorResponses } },
    },
    async (request) => hostOperation(deps(request), { environmentId: request.params.id, serverId: request.params.serverId, operation: request.params.action }),
  );

  app.get(
    '/api/environments/:id/servers/:serverId/service/logs',
    {
      config: { permission: allow.group('developer', groupOf.environment) },
      schema: { tags, summary: 'The last lines of the service log on one host', params: ServiceHostParams, querystring: ServiceLogsQuery, response: { 200: ServiceOperationResult, ...errorResponses } },
    },
    async (request) => hostOperation(deps(request), { environmentId: request.params.id, serverId: request.params.serverId, operation: { logs: request.query.lines } }),
  );

  app.post(
    '/api/environments/:id/service/:action',
    {
      config: { permission: allow.group('developer', groupOf.environment, 'release') },
      schema: {
        tags,
        summary: 'Start, stop or restart the service on every server of the environment (a few at a time), with each server\'s result',
        params: ServiceEnvironmentActionParams,
        response: { 200: ServiceEnvironmentResult, ...errorResponses },
      },
    },
    async (request) => environmentOperation(deps(request), { environmentId: request.params.id, action: request.params.action }),
  );
};
