import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { allow } from '../plugins/app/auth/permissions.js';
import { actorOf, requestContext } from '../plugins/app/auth/request-context.js';
import { errorResponses, ErrorBody, IdParams } from '@rp/contract/common';
import { PRESET_IDS } from '@rp/contract/presets';
import { PRESETS } from './presets.js';
import { GitLookupCache } from './refs.js';
import { ApplyTemplateBody, CommitsQuery, CommitsView, CreateProjectBody, HookParams, PresetList, ProjectPage, ProjectQuery, ProjectView, RefsQuery, RefsView, UpdateProjectBody } from '@rp/contract/projects';
import { applyHookTemplate, createProject, deleteProject, getProject, listProjects, projectCommits, projectRefs, updateProject } from './service.js';

export const projectGroup = (app: FastifyInstance) => async (request: FastifyRequest) => {
  const row = await app.db.project.findUnique({ where: { id: (request.params as { id: string }).id }, select: { groupId: true } });
  return row?.groupId ?? null;
};

const bodyGroup = (request: FastifyRequest) => (request.body as { groupId: string }).groupId;

export const projectRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['projects'];
  const gitCache = new GitLookupCache();

  app.get(
    '/api/project-presets',
    { config: { permission: allow.user() }, schema: { tags, summary: 'Type presets with the defaults a new project gets', response: { 200: PresetList, ...errorResponses } } },
    async () => ({ items: PRESET_IDS.map((id) => PRESETS[id]) }),
  );

  app.get(
    '/api/projects',
    { config: { permission: allow.user() }, schema: { tags, summary: 'Projects of your groups', querystring: ProjectQuery, response: { 200: ProjectPage, ...errorResponses } } },
    async (request) => listProjects(app.db, actorOf(request), request.query),
  );

  app.post(
    '/api/projects',
    {
      config: { permission: allow.group('owner', bodyGroup) },
      schema: { tags, summary: 'Create a project; fields left out come from its preset', body: CreateProjectBody, response: { 201: ProjectView, ...errorResponses } },
    },
    async (request, reply) => reply.code(201).send(await createProject(app.db, request.body, requestContext(request))),
  );

  app.get(
    '/api/projects/:id',
    { config: { permission: allow.group('viewer', projectGroup(app)) }, schema: { tags, summary: 'One project', params: IdParams, response: { 200: ProjectView, ...errorResponses } } },
    async (request) => getProject(app.db, request.params.id),
  );

  app.patch(
    '/api/projects/:id',
    {
      config: { permission: allow.group('owner', projectGroup(app)) },
      schema: { tags, summary: 'Change a project (hooks merge; a hook set to null is removed)', params: IdParams, body: UpdateProjectBody, response: { 200: ProjectView, ...errorResponses } },
    },
    async (request) => updateProject(app.db, request.params.id, request.body, requestContext(request)),
  );

  app.delete(
    '/api/projects/:id',
    {
      config: { permission: allow.group('owner', projectGroup(app)) },
      schema: { tags, summary: 'Delete a project and its environments', params: IdParams, response: { 204: Type.Null(), ...errorResponses } },
    },
    async (request, reply) => {
      await deleteProject(app.db, request.params.id, requestContext(request));
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/projects/:id/hooks/:stage/apply-template',
    {
      config: { permission: allow.group('owner', projectGroup(app)) },
      schema: {
        tags,
        summary: 'Copy a hook template\'s script into one hook of the project',
        params: HookParams,
        body: ApplyTemplateBody,
        response: { 200: ProjectView, ...errorResponses },
      },
    },
    async (request) => applyHookTemplate(app.db, request.params.id, request.params.stage, request.body.templateId, requestContext(request)),
  );

  app.get(
    '/api/projects/:id/refs',
    {
      config: { permission: allow.group('viewer', projectGroup(app)) },
      schema: {
        tags,
        summary: 'Branches and tags of the project\'s repository (cached 30 s)',
        params: IdParams,
        querystring: RefsQuery,
        response: { 200: RefsView, ...errorResponses, 502: ErrorBody },
      },
    },
    async (request) => projectRefs(app.db, app.secrets, gitCache, request.params.id, request.query.refresh ?? false),
  );

  app.get(
    '/api/projects/:id/commits',
    {
      config: { permission: allow.group('viewer', projectGroup(app)) },
      schema: {
        tags,
        summary: 'Newest commits of a branch or tag, newest first (cached 30 s)',
        params: IdParams,
        querystring: CommitsQuery,
        response: { 200: CommitsView, ...errorResponses, 502: ErrorBody },
      },
    },
    async (request) => projectCommits(app.db, app.secrets, gitCache, request.params.id, request.query),
  );
};
