import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ErrorBody, errorResponses, IdParams } from '@rp/contract/common';
import { AddWebhookBody, DeliveryPage, DeliveryParams, DeliveryQuery, DeliveryView, LeftoverParams, WebhookStatus } from '@rp/contract/webhooks';
import { allow } from '../plugins/app/auth/permissions.js';
import { actorOf, requestContext } from '../plugins/app/auth/request-context.js';
import { groupOf } from '../plugins/app/auth/scopes.js';
import { listDeliveries, replayDelivery } from './deliveries.js';
import { addWebhook, removeLeftover, removeWebhook, webhookStatus } from './management.js';
import { receiverRoutes } from './receiver-routes.js';

export const webhookRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['webhooks'];
  const deps = () => ({ db: app.db, secrets: app.secrets, privateHosts: app.config.gitPrivateHosts, publicUrl: app.config.publicUrl });
  const withPlatform = { ...errorResponses, 502: ErrorBody };

  app.get(
    '/api/projects/:id/webhook',
    {
      config: { permission: allow.group('viewer', groupOf.project) },
      schema: { tags, summary: 'The platform\'s webhook on the linked GitLab project: what the platform and GitLab know of it, and left-over hooks', params: IdParams, response: { 200: WebhookStatus, ...withPlatform } },
    },
    async (request) => webhookStatus(deps(), { projectId: request.params.id }),
  );

  app.post(
    '/api/projects/:id/webhook',
    {
      config: { permission: allow.group('owner', groupOf.project) },
      schema: {
        tags,
        summary: 'Add the webhook: through GitLab\'s API on a linked GitLab project (push, tag push, pipeline events; a random secret), otherwise by hand (the answer carries the secret once)',
        params: IdParams,
        body: Type.Optional(AddWebhookBody),
        response: { 201: WebhookStatus, ...withPlatform },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await addWebhook({ ...deps(), actor: actorOf(request), ctx: requestContext(request) }, { projectId: request.params.id, kind: request.body?.kind })),
  );

  app.delete(
    '/api/projects/:id/webhook',
    {
      config: { permission: allow.group('owner', groupOf.project) },
      schema: { tags, summary: 'Remove the webhook from GitLab and forget it', params: IdParams, response: { 204: Type.Null(), ...withPlatform } },
    },
    async (request, reply) => {
      await removeWebhook({ ...deps(), ctx: requestContext(request) }, { projectId: request.params.id });
      return reply.code(204).send(null);
    },
  );

  app.delete(
    '/api/projects/:id/webhook/leftovers/:remoteHookId',
    {
      config: { permission: allow.group('owner', groupOf.project) },
      schema: { tags, summary: 'Remove a hook on the GitLab project that points at this platform but that it does not know', params: LeftoverParams, response: { 204: Type.Null(), ...withPlatform } },
    },
    async (request, reply) => {
      await removeLeftover({ ...deps(), ctx: requestContext(request) }, { projectId: request.params.id, remoteHookId: request.params.remoteHookId });
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/projects/:id/webhook/deliveries',
    {
      config: { permission: allow.group('viewer', groupOf.project) },
      schema: { tags, summary: 'The webhook\'s deliveries of the last 30 days, newest first', params: IdParams, querystring: DeliveryQuery, response: { 200: DeliveryPage, ...errorResponses } },
    },
    async (request) => listDeliveries({ db: app.db }, { projectId: request.params.id, page: request.query.page, pageSize: request.query.pageSize }),
  );

  app.post(
    '/api/projects/:id/webhook/deliveries/:deliveryId/replay',
    {
      config: { permission: allow.group('owner', groupOf.project) },
      schema: {
        tags,
        summary: 'Run a recorded delivery through today\'s auto-release rules again, as you; recorded as a new delivery',
        params: DeliveryParams,
        response: { 201: DeliveryView, ...errorResponses },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await replayDelivery({ db: app.db, actor: actorOf(request), ctx: requestContext(request) }, { projectId: request.params.id, deliveryId: request.params.deliveryId })),
  );

  await app.register(receiverRoutes);
};
