import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import {
  AlertRulePage,
  AlertRuleQuery,
  AlertRuleView,
  CreateAlertRuleBody,
  DeliveryIdParams,
  MessagePreview,
  MessagePreviewQuery,
  NotificationDeliveryPage,
  NotificationDeliveryQuery,
  NotificationDeliveryView,
  NotificationPreferences,
  PersonalChannelList,
  UpdateAlertRuleBody,
  UpdateNotificationPreferencesBody,
} from '@rp/contract/alerts';
import { errorResponses, IdParams } from '@rp/contract/common';
import { previewMessage } from '../notifications/templates/preview.js';
import { allow } from '../plugins/app/auth/permissions.js';
import { actorOf, requestContext } from '../plugins/app/auth/request-context.js';
import { listDeliveries, resendDelivery } from './deliveries.js';
import { getPreferences, listPersonalChannels, updatePreferences } from './preferences.js';
import { createAlertRule, deleteAlertRule, getAlertRule, listAlertRules, updateAlertRule } from './rules.js';
import { deliveryChannelGroup, newRuleGroup, ruleGroup } from './scope.js';

export const alertRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db } = app;
  const ruleTags = ['alert rules'];
  const tags = ['notifications'];
  const asCaller = (request: FastifyRequest) => ({ db, actor: actorOf(request) });
  const audited = (request: FastifyRequest) => ({ db, ctx: requestContext(request) });

  app.get(
    '/api/alert-rules',
    {
      config: { permission: allow.user() },
      schema: { tags: ruleTags, summary: 'Alert rules of your groups (a group filter takes in its projects\' and environments\' rules)', querystring: AlertRuleQuery, response: { 200: AlertRulePage, ...errorResponses } },
    },
    async (request) => listAlertRules(asCaller(request), request.query),
  );

  app.post(
    '/api/alert-rules',
    {
      config: { permission: allow.group('owner', newRuleGroup) },
      schema: {
        tags: ruleTags,
        summary: 'Add an alert rule to a group, a project or an environment (exactly one of groupId, projectId, environmentId)',
        body: CreateAlertRuleBody,
        response: { 201: AlertRuleView, ...errorResponses },
      },
    },
    async (request, reply) => reply.code(201).send(await createAlertRule(audited(request), request.body)),
  );

  app.get(
    '/api/alert-rules/:id',
    { config: { permission: allow.group('viewer', ruleGroup) }, schema: { tags: ruleTags, summary: 'One alert rule', params: IdParams, response: { 200: AlertRuleView, ...errorResponses } } },
    async (request) => getAlertRule({ db }, { id: request.params.id }),
  );

  app.patch(
    '/api/alert-rules/:id',
    {
      config: { permission: allow.group('owner', ruleGroup) },
      schema: {
        tags: ruleTags,
        summary: 'Change an alert rule (its scope stays); channelIds and each recipients list given replace the stored ones',
        params: IdParams,
        body: UpdateAlertRuleBody,
        response: { 200: AlertRuleView, ...errorResponses },
      },
    },
    async (request) => updateAlertRule(audited(request), { id: request.params.id, changes: request.body }),
  );

  app.delete(
    '/api/alert-rules/:id',
    { config: { permission: allow.group('owner', ruleGroup) }, schema: { tags: ruleTags, summary: 'Delete an alert rule', params: IdParams, response: { 204: Type.Null(), ...errorResponses } } },
    async (request, reply) => {
      await deleteAlertRule(audited(request), { id: request.params.id });
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/notification-deliveries',
    {
      config: { permission: allow.user() },
      schema: {
        tags,
        summary: 'Messages sent or waiting, newest first: those of your groups\' channels and releases, and your personal ones',
        querystring: NotificationDeliveryQuery,
        response: { 200: NotificationDeliveryPage, ...errorResponses },
      },
    },
    async (request) => listDeliveries(asCaller(request), request.query),
  );

  app.post(
    '/api/notification-deliveries/:id/resend',
    {
      config: { permission: allow.group('owner', deliveryChannelGroup) },
      schema: {
        tags,
        summary: 'Send a failed or uncertain message again (owners of the channel\'s group; global channels: administrators)',
        params: DeliveryIdParams,
        response: { 200: NotificationDeliveryView, ...errorResponses },
      },
    },
    async (request) => resendDelivery(audited(request), { id: request.params.id }),
  );

  app.get(
    '/api/me/notification-preferences',
    { config: { permission: allow.user() }, schema: { tags, summary: 'Your personal notification settings', response: { 200: NotificationPreferences, ...errorResponses } } },
    async (request) => getPreferences(asCaller(request)),
  );

  app.put(
    '/api/me/notification-preferences',
    {
      config: { permission: allow.user() },
      schema: {
        tags,
        summary: 'Change your personal notification settings (fields not sent are kept)',
        body: UpdateNotificationPreferencesBody,
        response: { 200: NotificationPreferences, ...errorResponses },
      },
    },
    async (request) => updatePreferences({ ...asCaller(request), ctx: requestContext(request) }, request.body),
  );

  app.get(
    '/api/me/notification-channels',
    {
      config: { permission: allow.user() },
      schema: { tags, summary: 'The e-mail and DingTalk channels you may pick for personal messages', response: { 200: PersonalChannelList, ...errorResponses } },
    },
    async (request) => listPersonalChannels(asCaller(request)),
  );

  app.get(
    '/api/notification-previews',
    {
      config: { permission: allow.user() },
      schema: { tags, summary: 'A message of this kind and event rendered from sample facts', querystring: MessagePreviewQuery, response: { 200: MessagePreview, ...errorResponses } },
    },
    async (request) => previewMessage(request.query.kind, request.query.event, request.query.locale ?? 'zh-CN', app.config.publicUrl),
  );
};
