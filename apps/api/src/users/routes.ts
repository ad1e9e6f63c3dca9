import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { allow } from '../plugins/app/auth/permissions.js';
import { requestContext } from '../plugins/app/auth/request-context.js';
import { errorResponses, IdParams } from '@rp/contract/common';
import { CreateUserBody, UpdateUserBody, UserPage, UserQuery, UserView } from '@rp/contract/users';
import { createUser, deleteUser, getUser, listUsers, unlockUser, updateUser } from './service.js';

export const userRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/users',
    { config: { permission: allow.admin() }, schema: { tags: ['users'], summary: 'List users', querystring: UserQuery, response: { 200: UserPage, ...errorResponses } } },
    async (request) => listUsers({ db: app.db }, request.query),
  );

  app.post(
    '/api/users',
    { config: { permission: allow.admin() }, schema: { tags: ['users'], summary: 'Create a local user', body: CreateUserBody, response: { 201: UserView, ...errorResponses } } },
    async (request, reply) => reply.code(201).send(await createUser({ db: app.db, hasher: app.hasher, ctx: requestContext(request) }, request.body)),
  );

  app.get(
    '/api/users/:id',
    { config: { permission: allow.admin() }, schema: { tags: ['users'], summary: 'One user', params: IdParams, response: { 200: UserView, ...errorResponses } } },
    async (request) => getUser({ db: app.db }, { id: request.params.id }),
  );

  app.patch(
    '/api/users/:id',
    {
      config: { permission: allow.admin() },
      schema: { tags: ['users'], summary: 'Update, reset the password of, promote or disable a user', params: IdParams, body: UpdateUserBody, response: { 200: UserView, ...errorResponses } },
    },
    async (request) => updateUser({ db: app.db, hasher: app.hasher, ctx: requestContext(request) }, { id: request.params.id, changes: request.body }),
  );

  app.post(
    '/api/users/:id/unlock',
    {
      config: { permission: allow.admin() },
      schema: { tags: ['users'], summary: 'End a lockout after failed logins now', params: IdParams, response: { 200: UserView, ...errorResponses } },
    },
    async (request) => unlockUser({ db: app.db, ctx: requestContext(request) }, { id: request.params.id }),
  );

  app.delete(
    '/api/users/:id',
    { config: { permission: allow.admin() }, schema: { tags: ['users'], summary: 'Delete a user', params: IdParams, response: { 204: Type.Null(), ...errorResponses } } },
    async (request, reply) => {
      await deleteUser({ db: app.db, ctx: requestContext(request) }, { id: request.params.id });
      return reply.code(204).send(null);
    },
  );
};
