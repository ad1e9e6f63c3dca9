import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { errorResponses, IdParams } from '@rp/contract/common';
import {
  CreateNotificationChannelBody,
  NotificationChannelPage,
  NotificationChannelQuery,
  NotificationChannelView,
  NotificationTestResult,
  UpdateNotificationChannelBody,
} from '@rp/contract/notifications';
import { allow } from '../plugins/app/auth/permissions.js';
import { groupOf } from '../plugins/app/auth/scopes.js';
import { actorOf, requestContext } from '../plugins/app/auth/request-context.js';
import { channelGroup } from './scope.js';
import {
  createNotificationChannel,
  deleteNotificationChannel,
  getNotificationChannel,
  listNotificationChannels,
  testNotificationChannel,
  updateNotificationChannel,
} from './service.js';

export const notificationChannelRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['notification channels'];
  const privateHosts = app.config.gitPrivateHosts;
  const deps = () => ({ db: app.db, secrets: app.secrets, privateHosts });

  app.get(
    '/api/notification-channels',
    {
      config: { permission: allow.user() },
      schema: { tags, summary: 'Notification channels of your groups and the global ones (secrets never shown)', querystring: NotificationChannelQuery, response: { 200: NotificationChannelPage, ...errorResponses } },
    },
    async (request) => listNotificationChannels({ db: app.db, secrets: app.secrets, actor: actorOf(request) }, request.query),
  );

  app.post(
    '/api/notification-channels',
    {
      config: { permission: allow.group('owner', groupOf.group.fromBody('groupId')) },
      schema: {
        tags,
        summary: 'Add a DingTalk, e-mail, WeCom, Feishu or webhook channel (group owners; global ones: administrators)',
        body: CreateNotificationChannelBody,
        response: { 201: NotificationChannelView, ...errorResponses },
      },
    },
    async (request, reply) => reply.code(201).send(await createNotificationChannel({ ...deps(), ctx: requestContext(request) }, request.body)),
  );

  app.get(
    '/api/notification-channels/:id',
    { config: { permission: allow.group('viewer', channelGroup) }, schema: { tags, summary: 'One notification channel', params: IdParams, response: { 200: NotificationChannelView, ...errorResponses } } },
    async (request) => getNotificationChannel({ db: app.db, secrets: app.secrets }, { id: request.params.id }),
  );

  app.patch(
    '/api/notification-channels/:id',
    {
      config: { permission: allow.group('owner', channelGroup) },
      schema: {
        tags,
        summary: 'Rename a channel or change its settings or secret parts (omitted secret parts are kept)',
        params: IdParams,
        body: UpdateNotificationChannelBody,
        response: { 200: NotificationChannelView, ...errorResponses },
      },
    },
    async (request) => updateNotificationChannel({ ...deps(), ctx: requestContext(request) }, { id: request.params.id, changes: request.body }),
  );

  app.delete(
    '/api/notification-channels/:id',
    { config: { permission: allow.group('owner', channelGroup) }, schema: { tags, summary: 'Delete a notification channel', params: IdParams, response: { 204: Type.Null(), ...errorResponses } } },
    async (request, reply) => {
      await deleteNotificationChannel({ db: app.db, ctx: requestContext(request) }, { id: request.params.id });
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/notification-channels/:id/test',
    {
      config: { permission: allow.group('owner', channelGroup) },
      schema: {
        tags,
        summary: 'Send a test message and show what the remote side answered (a refusal is a result, not an error)',
        params: IdParams,
        response: { 200: NotificationTestResult, ...errorResponses },
      },
    },
    async (request) => testNotificationChannel({ ...deps(), ctx: requestContext(request) }, { id: request.params.id }),
  );
};
