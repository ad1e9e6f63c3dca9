import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { createSshTransport } from '@rp/deploy-engine';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { allow } from '../plugins/app/auth/permissions.js';
import { actorOf, requestContext } from '../plugins/app/auth/request-context.js';
import { errorResponses, IdParams } from '@rp/contract/common';
import { ConnectionTestResult, CreateServerBody, ServerPage, ServerQuery, ServerView, UpdateServerBody } from '@rp/contract/servers';
import { createServer, deleteServer, getServer, listServers, resetHostKey, testConnection, updateServer } from './service.js';

const serverGroup = (app: FastifyInstance) => async (request: FastifyRequest) => {
  const row = await app.db.server.findUnique({ where: { id: (request.params as { id: string }).id }, select: { groupId: true } });
  return row?.groupId ?? null;
};

const bodyGroup = (request: FastifyRequest) => (request.body as { groupId: string }).groupId;

export const serverRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['servers'];
  // A test is interactive: an operator waits for it, so give up sooner than a release would.
  const transport = createSshTransport({ connectTimeoutMs: 10_000 });

  app.get(
    '/api/servers',
    { config: { permission: allow.user() }, schema: { tags, summary: 'Servers of your groups', querystring: ServerQuery, response: { 200: ServerPage, ...errorResponses } } },
    async (request) => listServers(app.db, actorOf(request), request.query),
  );

  app.post(
    '/api/servers',
    { config: { permission: allow.group('owner', bodyGroup) }, schema: { tags, summary: 'Register a server', body: CreateServerBody, response: { 201: ServerView, ...errorResponses } } },
    async (request, reply) => reply.code(201).send(await createServer(app.db, request.body, requestContext(request))),
  );

  app.get(
    '/api/servers/:id',
    { config: { permission: allow.group('viewer', serverGroup(app)) }, schema: { tags, summary: 'One server', params: IdParams, response: { 200: ServerView, ...errorResponses } } },
    async (request) => getServer(app.db, request.params.id),
  );

  app.patch(
    '/api/servers/:id',
    {
      config: { permission: allow.group('owner', serverGroup(app)) },
      schema: { tags, summary: 'Change a server', params: IdParams, body: UpdateServerBody, response: { 200: ServerView, ...errorResponses } },
    },
    async (request) => updateServer(app.db, request.params.id, request.body, requestContext(request)),
  );

  app.delete(
    '/api/servers/:id',
    { config: { permission: allow.group('owner', serverGroup(app)) }, schema: { tags, summary: 'Delete a server no environment uses', params: IdParams, response: { 204: Type.Null(), ...errorResponses } } },
    async (request, reply) => {
      await deleteServer(app.db, request.params.id, requestContext(request));
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/servers/:id/test',
    {
      config: { permission: allow.group('owner', serverGroup(app)) },
      schema: {
        tags,
        summary: 'Log in over SSH and run `uname -a`; pins the host key when none is pinned yet',
        params: IdParams,
        response: { 200: ConnectionTestResult, ...errorResponses },
      },
    },
    async (request) => testConnection(app.db, app.secrets, transport, request.params.id, requestContext(request)),
  );

  app.post(
    '/api/servers/:id/host-key/reset',
    {
      config: { permission: allow.admin() },
      schema: { tags, summary: 'Forget the pinned host key (the next connection pins the new one)', params: IdParams, response: { 200: ServerView, ...errorResponses } },
    },
    async (request) => resetHostKey(app.db, request.params.id, requestContext(request)),
  );
};
