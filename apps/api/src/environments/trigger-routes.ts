import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { errorResponses } from '@rp/contract/common';
import { EnvironmentIdParams, IssuedTrigger, IssueTriggerBody, TriggerStatus } from '@rp/contract/releases';
import { allow } from '../plugins/app/auth/permissions.js';
import { actorOf, requestContext } from '../plugins/app/auth/request-context.js';
import { groupOf } from '../plugins/app/auth/scopes.js';
import { getTrigger, issueTrigger, revokeTrigger } from './trigger-tokens.js';

/** The environment's trigger token, managed by its owners; firing it is `POST /api/trigger/:token` in releases/. */
export const triggerTokenRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db } = app;
  const owners = { config: { permission: allow.group('owner', groupOf.environment) } };

  app.get(
    '/api/environments/:id/trigger-token',
    { ...owners, schema: { tags: ['triggers'], summary: 'Whether the environment has a trigger token, and its details (never the token)', params: EnvironmentIdParams, response: { 200: TriggerStatus, ...errorResponses } } },
    async (request) => getTrigger({ db }, { environmentId: request.params.id }),
  );
  app.post(
    '/api/environments/:id/trigger-token',
    {
      ...owners,
      schema: { tags: ['triggers'], summary: 'Issue or replace the trigger token (shown once)', params: EnvironmentIdParams, body: IssueTriggerBody, response: { 201: IssuedTrigger, ...errorResponses } },
    },
    async (request, reply) =>
      reply.code(201).send(await issueTrigger({ db, actor: actorOf(request), ctx: requestContext(request) }, { environmentId: request.params.id, defaultRef: request.body.defaultRef })),
  );
  app.delete(
    '/api/environments/:id/trigger-token',
    { ...owners, schema: { tags: ['triggers'], summary: 'Revoke the trigger token', params: EnvironmentIdParams, response: { 204: Type.Null(), ...errorResponses } } },
    async (request, reply) => {
      await revokeTrigger({ db, ctx: requestContext(request) }, { environmentId: request.params.id });
      return reply.code(204).send(null);
    },
  );
};
