import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { allow } from '../plugins/app/auth/permissions.js';
import { groupOf } from '../plugins/app/auth/scopes.js';
import { actorOf, requestContext } from '../plugins/app/auth/request-context.js';
import { errorResponses, IdParams } from '@rp/contract/common';
import { CreateHookTemplateBody, HookTemplatePage, HookTemplateQuery, HookTemplateView, UpdateHookTemplateBody } from '@rp/contract/hook-templates';
import { createHookTemplate, deleteHookTemplate, getHookTemplate, listHookTemplates, updateHookTemplate } from './service.js';

export const hookTemplateRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['hook templates'];

  app.get(
    '/api/hook-templates',
    {
      config: { permission: allow.user() },
      schema: { tags, summary: 'Hook templates of your groups and the global ones', querystring: HookTemplateQuery, response: { 200: HookTemplatePage, ...errorResponses } },
    },
    async (request) => listHookTemplates({ db: app.db, actor: actorOf(request) }, request.query),
  );

  app.post(
    '/api/hook-templates',
    {
      config: { permission: allow.group('owner', groupOf.group.fromBody('groupId')) },
      schema: {
        tags,
        summary: 'Create a hook template from a script or from a project\'s hook (global ones: administrators)',
        body: CreateHookTemplateBody,
        response: { 201: HookTemplateView, ...errorResponses },
      },
    },
    async (request, reply) => reply.code(201).send(await createHookTemplate({ db: app.db, ctx: requestContext(request) }, request.body)),
  );

  app.get(
    '/api/hook-templates/:id',
    { config: { permission: allow.group('viewer', groupOf.hookTemplate) }, schema: { tags, summary: 'One hook template', params: IdParams, response: { 200: HookTemplateView, ...errorResponses } } },
    async (request) => getHookTemplate({ db: app.db }, { id: request.params.id }),
  );

  app.patch(
    '/api/hook-templates/:id',
    {
      config: { permission: allow.group('owner', groupOf.hookTemplate) },
      schema: { tags, summary: 'Change a hook template (projects keep the copy they applied)', params: IdParams, body: UpdateHookTemplateBody, response: { 200: HookTemplateView, ...errorResponses } },
    },
    async (request) => updateHookTemplate({ db: app.db, ctx: requestContext(request) }, { id: request.params.id, changes: request.body }),
  );

  app.delete(
    '/api/hook-templates/:id',
    { config: { permission: allow.group('owner', groupOf.hookTemplate) }, schema: { tags, summary: 'Delete a hook template', params: IdParams, response: { 204: Type.Null(), ...errorResponses } } },
    async (request, reply) => {
      await deleteHookTemplate({ db: app.db, ctx: requestContext(request) }, { id: request.params.id });
      return reply.code(204).send(null);
    },
  );
};
