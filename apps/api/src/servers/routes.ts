import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { allow } from '../plugins/app/auth/permissions.js';
import { groupOf } from '../plugins/app/auth/scopes.js';
import { actorOf, requestContext } from '../plugins/app/auth/request-context.js';
import { errorResponses, IdParams } from '@rp/contract/common';
import { ConnectionTestResult, CreateServerBody, ServerPage, ServerQuery, ServerView, UpdateServerBody } from '@rp/contract/servers';
import { createServer, deleteServer, getServer, listServers, resetHostKey, testConnection, updateServer } from './service.js';

export const serverRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['servers'];

  app.get(
    '/api/servers',
    { config: { permission: allow.user() }, schema: { tags, summary: 'Servers of your groups', querystring: ServerQuery, response: { 200: ServerPage, ...errorResponses } } },
    async (request) => listServers({ db: app.db, actor: actorOf(request) }, request.query),
  );

  app.post(
    '/api/servers',
    { config: { permission: allow.group('owner', groupOf.group.fromBody('groupId')) }, schema: { tags, summary: 'Register a server', body: CreateServerBody, response: { 201: ServerView, ...errorResponses } } },
    async (request, reply) => reply.code(201).send(await createServer({ db: app.db, ctx: requestContext(request) }, request.body)),
  );

  app.get(
    '/api/servers/:id',
    { config: { permission: allow.group('viewer', groupOf.server) }, schema: { tags, summary: 'One server', params: IdParams, response: { 200: ServerView, ...errorResponses } } },
    async (request) => getServer({ db: app.db }, { id: request.params.id }),
  );

  app.patch(
    '/api/servers/:id',
    {
      config: { permission: allow.group('owner', groupOf.server) },
      schema: { tags, summary: 'Change a server', params: IdParams, body: UpdateServerBody, response: { 200: ServerView, ...errorResponses } },
    },
    async (request) => updateServer({ db: app.db, ctx: requestContext(request) }, { id: request.params.id, changes: request.body }),
  );

  app.delete(
    '/api/servers/:id',
    { config: { permission: allow.group('owner', groupOf.server) }, schema: { tags, summary: 'Delete a server no environment uses', params: IdParams, response: { 204: Type.Null(), ...errorResponses } } },
    async (request, reply) => {
      await deleteServer({ db: app.db, ctx: requestContext(request) }, { id: request.params.id });
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/servers/:id/test',
    {
      config: { permission: allow.group('owner', groupOf.server) },
      schema: {
        tags,
        summary: 'Log in over SSH and run `uname -a`; pins the host key when none is pinned yet',
        params: IdParams,
        response: { 200: ConnectionTestResult, ...errorResponses },
      },
    },
    async (request) => testConnection({ db: app.db, secrets: app.secrets, ssh: app.ssh, ctx: requestContext(request) }, { id: request.params.id }),
  );

  app.post(
    '/api/servers/:id/host-key/reset',
    {
      config: { permission: allow.admin() },
      schema: { tags, summary: 'Forget the pinned host key (the next connection pins the new one)', params: IdParams, response: { 200: ServerView, ...errorResponses } },
    },
    async (request) => resetHostKey({ db: app.db, ctx: requestContext(request) }, { id: request.params.id }),
  );
};
