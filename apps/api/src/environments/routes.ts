import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { allow } from '../plugins/app/auth/permissions.js';
import { requestContext } from '../plugins/app/auth/request-context.js';
import { projectGroup } from '../projects/routes.js';
import { errorResponses, IdParams } from '@rp/contract/common';
import { CreateEnvironmentBody, EnvironmentPage, EnvironmentQuery, EnvironmentView, UpdateEnvironmentBody, WindowStatus } from '@rp/contract/environments';
import { createEnvironment, deleteEnvironment, getEnvironment, listEnvironments, updateEnvironment, windowStatus } from './service.js';

const environmentGroup = (app: FastifyInstance) => async (request: FastifyRequest) => {
  const row = await app.db.environment.findUnique({ where: { id: (request.params as { id: string }).id }, select: { project: { select: { groupId: true } } } });
  return row?.project.groupId ?? null;
};

export const environmentRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['environments'];

  app.get(
    '/api/projects/:id/environments',
    {
      config: { permission: allow.group('viewer', projectGroup(app)) },
      schema: { tags, summary: 'Environments of a project (secret variables masked)', params: IdParams, querystring: EnvironmentQuery, response: { 200: EnvironmentPage, ...errorResponses } },
    },
    async (request) => listEnvironments(app.db, request.params.id, request.query),
  );

  app.post(
    '/api/projects/:id/environments',
    {
      config: { permission: allow.group('owner', projectGroup(app)) },
      schema: { tags, summary: 'Add an environment to a project', params: IdParams, body: CreateEnvironmentBody, response: { 201: EnvironmentView, ...errorResponses } },
    },
    async (request, reply) => reply.code(201).send(await createEnvironment(app.db, app.secrets, request.params.id, request.body, requestContext(request))),
  );

  app.get(
    '/api/environments/:id',
    { config: { permission: allow.group('viewer', environmentGroup(app)) }, schema: { tags, summary: 'One environment', params: IdParams, response: { 200: EnvironmentView, ...errorResponses } } },
    async (request) => getEnvironment(app.db, request.params.id),
  );

  app.patch(
    '/api/environments/:id',
    {
      config: { permission: allow.group('owner', environmentGroup(app)) },
      schema: { tags, summary: 'Change an environment (lists are replaced whole)', params: IdParams, body: UpdateEnvironmentBody, response: { 200: EnvironmentView, ...errorResponses } },
    },
    async (request) => updateEnvironment(app.db, app.secrets, request.params.id, request.body, requestContext(request)),
  );

  app.delete(
    '/api/environments/:id',
    { config: { permission: allow.group('owner', environmentGroup(app)) }, schema: { tags, summary: 'Delete an environment', params: IdParams, response: { 204: Type.Null(), ...errorResponses } } },
    async (request, reply) => {
      await deleteEnvironment(app.db, request.params.id, requestContext(request));
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/environments/:id/window-status',
    {
      config: { permission: allow.group('viewer', environmentGroup(app)) },
      schema: { tags, summary: 'Whether a release may start now under the release windows', params: IdParams, response: { 200: WindowStatus, ...errorResponses } },
    },
    async (request) => windowStatus(app.db, request.params.id),
  );
};
