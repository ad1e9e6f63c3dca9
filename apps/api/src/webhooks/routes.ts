import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ErrorBody, errorResponses, IdParams } from '@rp/contract/common';
import { DeliveryPage, DeliveryQuery, HookParams, LeftoverParams, ReceiverAnswer, WebhookStatus } from '@rp/contract/webhooks';
import { allow } from '../plugins/app/auth/permissions.js';
import { requestContext } from '../plugins/app/auth/request-context.js';
import { groupOf } from '../plugins/app/auth/scopes.js';
import { listDeliveries } from './deliveries.js';
import { addWebhook, removeLeftover, removeWebhook, webhookStatus } from './management.js';
import { receiveGitLab } from './receiver.js';

/** GitLab's deliveries are small JSON; a larger body is refused (413) before it is read whole. */
const RECEIVER_BODY_LIMIT = 1024 * 1024;

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
      schema: { tags, summary: 'Add the platform\'s webhook (push, tag push, pipeline events; a random secret) to the linked GitLab project', params: IdParams, response: { 201: WebhookStatus, ...withPlatform } },
    },
    async (request, reply) => reply.code(201).send(await addWebhook({ ...deps(), ctx: requestContext(request) }, { projectId: request.params.id })),
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
    '/api/webhooks/gitlab/:hookId',
    {
      // The secret in X-Gitlab-Token is the credential; it is checked by the handler, in constant time.
      config: { permission: allow.public(), rateLimit: { max: 600, timeWindow: '1 minute' } },
      bodyLimit: RECEIVER_BODY_LIMIT,
      schema: { tags, summary: 'GitLab webhook receiver (push, tag push, pipeline)', params: HookParams, response: { 200: ReceiverAnswer, ...errorResponses } },
    },
    async (request) => {
      const header = (name: string) => {
        const value = request.headers[name];
        return typeof value === 'string' ? value : undefined;
      };
      return receiveGitLab(
        { db: app.db, secrets: app.secrets },
        { hookId: request.params.hookId, token: header('x-gitlab-token'), event: header('x-gitlab-event'), deliveryUuid: header('x-gitlab-event-uuid'), body: request.body },
      );
    },
  );
};
