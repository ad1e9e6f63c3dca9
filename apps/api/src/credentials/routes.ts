import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { allow } from '../plugins/app/auth/permissions.js';
import { actorOf, requestContext } from '../plugins/app/auth/request-context.js';
import { errorResponses, IdParams } from '@rp/contract/common';
import { CreateCredentialBody, CredentialPage, CredentialQuery, CredentialView, UpdateCredentialBody } from '@rp/contract/credentials';
import { createCredential, deleteCredential, getCredential, listCredentials, updateCredential } from './service.js';

/** The credential's group; null (global or unknown) leaves the route to administrators. */
export const credentialGroup = (app: FastifyInstance) => async (request: FastifyRequest) => {
  const row = await app.db.credential.findUnique({ where: { id: (request.params as { id: string }).id }, select: { groupId: true } });
  return row?.groupId ?? null;
};

const bodyGroup = (request: FastifyRequest) => (request.body as { groupId?: string | null }).groupId ?? null;

export const credentialRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['credentials'];

  app.get(
    '/api/credentials',
    {
      config: { permission: allow.user() },
      schema: { tags, summary: 'Credentials of your groups and the global ones (metadata only)', querystring: CredentialQuery, response: { 200: CredentialPage, ...errorResponses } },
    },
    async (request) => listCredentials(app.db, actorOf(request), request.query),
  );

  app.post(
    '/api/credentials',
    {
      config: { permission: allow.group('owner', bodyGroup) },
      schema: {
        tags,
        summary: 'Upload or generate an SSH key, or store a Git token (group owners; global ones: administrators)',
        body: CreateCredentialBody,
        response: { 201: CredentialView, ...errorResponses },
      },
    },
    async (request, reply) => reply.code(201).send(await createCredential(app.db, app.secrets, request.body, requestContext(request))),
  );

  app.get(
    '/api/credentials/:id',
    { config: { permission: allow.group('viewer', credentialGroup(app)) }, schema: { tags, summary: 'One credential (metadata only)', params: IdParams, response: { 200: CredentialView, ...errorResponses } } },
    async (request) => getCredential(app.db, request.params.id),
  );

  app.patch(
    '/api/credentials/:id',
    {
      config: { permission: allow.group('owner', credentialGroup(app)) },
      schema: { tags, summary: 'Rename, describe or replace the secret of a credential', params: IdParams, body: UpdateCredentialBody, response: { 200: CredentialView, ...errorResponses } },
    },
    async (request) => updateCredential(app.db, app.secrets, request.params.id, request.body, requestContext(request)),
  );

  app.delete(
    '/api/credentials/:id',
    {
      config: { permission: allow.group('owner', credentialGroup(app)) },
      schema: { tags, summary: 'Delete a credential no server or project uses', params: IdParams, response: { 204: Type.Null(), ...errorResponses } },
    },
    async (request, reply) => {
      await deleteCredential(app.db, request.params.id, requestContext(request));
      return reply.code(204).send(null);
    },
  );
};
