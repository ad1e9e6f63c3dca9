import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { allow } from '../plugins/app/auth/permissions.js';
import { groupOf } from '../plugins/app/auth/scopes.js';
import { actorOf, requestContext } from '../plugins/app/auth/request-context.js';
import { errorResponses, IdParams } from '@rp/contract/common';
import { CreateCredentialBody, CredentialPage, CredentialQuery, CredentialView, UpdateCredentialBody } from '@rp/contract/credentials';
import { createCredential, deleteCredential, getCredential, listCredentials, updateCredential } from './service.js';

export const credentialRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['credentials'];

  app.get(
    '/api/credentials',
    {
      config: { permission: allow.user() },
      schema: { tags, summary: 'Credentials of your groups and the global ones (metadata only)', querystring: CredentialQuery, response: { 200: CredentialPage, ...errorResponses } },
    },
    async (request) => listCredentials({ db: app.db, actor: actorOf(request) }, request.query),
  );

  app.post(
    '/api/credentials',
    {
      config: { permission: allow.group('owner', groupOf.group.fromBody('groupId')) },
      schema: {
        tags,
        summary: 'Upload or generate an SSH key, or store a Git token (group owners; global ones: administrators)',
        body: CreateCredentialBody,
        response: { 201: CredentialView, ...errorResponses },
      },
    },
    async (request, reply) => reply.code(201).send(await createCredential({ db: app.db, secrets: app.secrets, ctx: requestContext(request) }, request.body)),
  );

  app.get(
    '/api/credentials/:id',
    { config: { permission: allow.group('viewer', groupOf.credential) }, schema: { tags, summary: 'One credential (metadata only)', params: IdParams, response: { 200: CredentialView, ...errorResponses } } },
    async (request) => getCredential({ db: app.db }, { id: request.params.id }),
  );

  app.patch(
    '/api/credentials/:id',
    {
      config: { permission: allow.group('owner', groupOf.credential) },
      schema: { tags, summary: 'Rename, describe or replace the secret of a credential', params: IdParams, body: UpdateCredentialBody, response: { 200: CredentialView, ...errorResponses } },
    },
    async (request) => updateCredential({ db: app.db, secrets: app.secrets, ctx: requestContext(request) }, { id: request.params.id, changes: request.body }),
  );

  app.delete(
    '/api/credentials/:id',
    {
      config: { permission: allow.group('owner', groupOf.credential) },
      schema: { tags, summary: 'Delete a credential no server or project uses', params: IdParams, response: { 204: Type.Null(), ...errorResponses } },
    },
    async (request, reply) => {
      await deleteCredential({ db: app.db, ctx: requestContext(request) }, { id: request.params.id });
      return reply.code(204).send(null);
    },
  );
};
