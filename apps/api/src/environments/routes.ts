import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ErrorBody, errorResponses, IdParams } from '@rp/contract/common';
import { CreateEnvironmentBody, EnvironmentPage, EnvironmentQuery, EnvironmentView, UpdateEnvironmentBody, WindowStatus } from '@rp/contract/environments';
import { ChangesQuery, ChangesView, EnvironmentIdParams, VersionMatrix, VersionQuery } from '@rp/contract/releases';
import { allow } from '../plugins/app/auth/permissions.js';
import { requestContext } from '../plugins/app/auth/request-context.js';
import { groupOf } from '../plugins/app/auth/scopes.js';
import { deleteOrArchive } from '../archive/service.js';
import { createEnvironment, getEnvironment, listEnvironments, updateEnvironment, windowStatus } from './service.js';
import { triggerTokenRoutes } from './trigger-routes.js';
import { versionMatrix } from './versions.js';
import { environmentChanges } from './changes.js';

export const environmentRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['environments'];

  app.get(
    '/api/projects/:id/environments',
    {
      config: { permission: allow.group('viewer', groupOf.project) },
      schema: { tags, summary: 'Environments of a project (secret variables masked)', params: IdParams, querystring: EnvironmentQuery, response: { 200: EnvironmentPage, ...errorResponses } },
    },
    async (request) => listEnvironments({ db: app.db }, { projectId: request.params.id, ...request.query }),
  );

  app.post(
    '/api/projects/:id/environments',
    {
      config: { permission: allow.group('owner', groupOf.project) },
      schema: { tags, summary: 'Add an environment to a project', params: IdParams, body: CreateEnvironmentBody, response: { 201: EnvironmentView, ...errorResponses } },
    },
    async (request, reply) => reply.code(201).send(await createEnvironment({ db: app.db, secrets: app.secrets, ctx: requestContext(request) }, { projectId: request.params.id, environment: request.body })),
  );

  app.get(
    '/api/environments/:id',
    { config: { permission: allow.group('viewer', groupOf.environment) }, schema: { tags, summary: 'One environment', params: IdParams, response: { 200: EnvironmentView, ...errorResponses } } },
    async (request) => getEnvironment({ db: app.db }, { id: request.params.id }),
  );

  app.patch(
    '/api/environments/:id',
    {
      config: { permission: allow.group('owner', groupOf.environment) },
      schema: { tags, summary: 'Change an environment (lists are replaced whole)', params: IdParams, body: UpdateEnvironmentBody, response: { 200: EnvironmentView, ...errorResponses } },
    },
    async (request) => updateEnvironment({ db: app.db, secrets: app.secrets, ctx: requestContext(request) }, { id: request.params.id, changes: request.body }),
  );

  app.delete(
    '/api/environments/:id',
    { config: { permission: allow.group('owner', groupOf.environment) }, schema: { tags, summary: 'Archive an environment that releases point at (history kept), or delete it when none do', params: IdParams, response: { 204: Type.Null(), ...errorResponses } } },
    async (request, reply) => {
      await deleteOrArchive({ db: app.db, ctx: requestContext(request) }, 'environment', request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/environments/:id/window-status',
    {
      config: { permission: allow.group('viewer', groupOf.environment) },
      schema: { tags, summary: 'Whether a release may start now under the release windows', params: IdParams, response: { 200: WindowStatus, ...errorResponses } },
    },
    async (request) => windowStatus({ db: app.db }, { id: request.params.id }),
  );

  app.get(
    '/api/environments/:id/versions',
    {
      config: { permission: allow.group('viewer', groupOf.environment) },
      schema: { tags: ['releases'], summary: 'Which release each server is on; `check=true` reads the hosts and marks drift', params: EnvironmentIdParams, querystring: VersionQuery, response: { 200: VersionMatrix, ...errorResponses } },
    },
    async (request) => versionMatrix({ db: app.db, secrets: app.secrets, transport: app.ssh }, { environmentId: request.params.id, check: request.query.check ?? false }),
  );

  app.get(
    '/api/environments/:id/changes',
    {
      config: { permission: allow.group('viewer', groupOf.environment) },
      schema: {
        tags: ['releases'],
        summary: 'What releasing a ref would change: the commits after the one the environment runs (GitLab compare for linked projects, else git)',
        params: EnvironmentIdParams,
        querystring: ChangesQuery,
        response: { 200: ChangesView, 502: ErrorBody, ...errorResponses },
      },
    },
    async (request) => environmentChanges({ db: app.db, secrets: app.secrets, privateHosts: app.config.gitPrivateHosts }, { environmentId: request.params.id, ref: request.query.ref }),
  );

  await app.register(triggerTokenRoutes);
};
