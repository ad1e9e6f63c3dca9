import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { allow } from '../plugins/app/auth/permissions.js';
import { actorOf, requestContext } from '../plugins/app/auth/request-context.js';
import { errorResponses, IdParams } from '@rp/contract/common';
import { CreateHookTemplateBody, HookTemplatePage, HookTemplateQuery, HookTemplateView, UpdateHookTemplateBody } from '@rp/contract/hook-templates';
import { createHookTemplate, deleteHookTemplate, getHookTemplate, listHookTemplates, updateHookTemplate } from './service.js';

/** The template's group; null (global or unknown) leaves the route to administrators. */
const templateGroup = (app: FastifyInstance) => async (request: FastifyRequest) => {
  const row = await app.db.hookTemplate.findUnique({ where: { id: (request.params as { id: string }).id }, select: { groupId: true } });
  return row?.groupId ?? null;
};

const bodyGroup = (request: FastifyRequest) => (request.body as { groupId?: string | null }).groupId ?? null;

export const hookTemplateRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['hook templates'];

  app.get(
    '/api/hook-templates',
    {
      config: { permission: allow.user() },
      schema: { tags, summary: 'Hook templates of your groups and the global ones', querystring: HookTemplateQuery, response: { 200: HookTemplatePage, ...errorResponses } },
    },
    async (request) => listHookTemplates(app.db, actorOf(request), request.query),
  );

  app.post(
    '/api/hook-templates',
    {
      config: { permission: allow.group('owner', bodyGroup) },
      schema: {
        tags,
        summary: 'Create a hook template from a script or from a project\'s hook (global ones: administrators)',
        body: CreateHookTemplateBody,
        response: { 201: HookTemplateView, ...errorResponses },
      },
    },
    async (request, reply) => reply.code(201).send(await createHookTemplate(app.db, request.body, requestContext(request))),
  );

  app.get(
    '/api/hook-templates/:id',
    { config: { permission: allow.group('viewer', templateGroup(app)) }, schema: { tags, summary: 'One hook template', params: IdParams, response: { 200: HookTemplateView, ...errorResponses } } },
    async (request) => getHookTemplate(app.db, request.params.id),
  );

  app.patch(
    '/api/hook-templates/:id',
    {
      config: { permission: allow.group('owner', templateGroup(app)) },
      schema: { tags, summary: 'Change a hook template (projects keep the copy they applied)', params: IdParams, body: UpdateHookTemplateBody, response: { 200: HookTemplateView, ...errorResponses } },
    },
    async (request) => updateHookTemplate(app.db, request.params.id, request.body, requestContext(request)),
  );

  app.delete(
    '/api/hook-templates/:id',
    { config: { permission: allow.group('owner', templateGroup(app)) }, schema: { tags, summary: 'Delete a hook template', params: IdParams, response: { 204: Type.Null(), ...errorResponses } } },
    async (request, reply) => {
      await deleteHookTemplate(app.db, request.params.id, requestContext(request));
      return reply.code(204).send(null);
    },
  );
};
