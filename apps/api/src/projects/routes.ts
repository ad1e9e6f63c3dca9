import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { allow } from '../plugins/app/auth/permissions.js';
import { groupOf } from '../plugins/app/auth/scopes.js';
import { actorOf, requestContext } from '../plugins/app/auth/request-context.js';
import { errorResponses, ErrorBody, IdParams } from '@rp/contract/common';
import { PRESET_IDS } from '@rp/contract/presets';
import { PRESETS } from './presets.js';
import { GitLookupCache } from './refs.js';
import { ApplyTemplateBody, CommitsQuery, CommitsView, CreateProjectBody, HookParams, PresetList, ProjectPage, ProjectQuery, ProjectView, RefsQuery, RefsView, UpdateProjectBody } from '@rp/contract/projects';
import { deleteOrArchive } from '../archive/service.js';
import { applyHookTemplate, createProject, getProject, listProjects, projectCommits, projectRefs, updateProject } from './service.js';

export const projectRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['projects'];
  const gitCache = new GitLookupCache();
  const gitPolicy = { allowFile: app.config.allowFileGitUrls, privateHosts: app.config.gitPrivateHosts };
  const gitDeps = { db: app.db, secrets: app.secrets, gitCache, privateHosts: gitPolicy.privateHosts };

  app.get(
    '/api/project-presets',
    { config: { permission: allow.user() }, schema: { tags, summary: 'Type presets with the defaults a new project gets', response: { 200: PresetList, ...errorResponses } } },
    async () => ({ items: PRESET_IDS.map((id) => PRESETS[id]) }),
  );

  app.get(
    '/api/projects',
    { config: { permission: allow.user() }, schema: { tags, summary: 'Projects of your groups', querystring: ProjectQuery, response: { 200: ProjectPage, ...errorResponses } } },
    async (request) => listProjects({ db: app.db, actor: actorOf(request) }, request.query),
  );

  app.post(
    '/api/projects',
    {
      config: { permission: allow.group('owner', groupOf.group.fromBody('groupId')) },
      schema: { tags, summary: 'Create a project; fields left out come from its preset', body: CreateProjectBody, response: { 201: ProjectView, ...errorResponses } },
    },
    async (request, reply) => reply.code(201).send(await createProject({ db: app.db, ctx: requestContext(request), actor: actorOf(request), gitPolicy }, request.body)),
  );

  app.get(
    '/api/projects/:id',
    { config: { permission: allow.group('viewer', groupOf.project) }, schema: { tags, summary: 'One project', params: IdParams, response: { 200: ProjectView, ...errorResponses } } },
    async (request) => getProject({ db: app.db }, { id: request.params.id }),
  );

  app.patch(
    '/api/projects/:id',
    {
      config: { permission: allow.group('owner', groupOf.project) },
      schema: { tags, summary: 'Change a project (hooks merge; a hook set to null is removed)', params: IdParams, body: UpdateProjectBody, response: { 200: ProjectView, ...errorResponses } },
    },
    async (request) => updateProject({ db: app.db, ctx: requestContext(request), actor: actorOf(request), gitPolicy }, { id: request.params.id, changes: request.body }),
  );

  app.delete(
    '/api/projects/:id',
    {
      config: { permission: allow.group('owner', groupOf.project) },
      schema: { tags, summary: 'Archive a project that releases point at (history kept), or delete it when none do', params: IdParams, response: { 204: Type.Null(), ...errorResponses } },
    },
    async (request, reply) => {
      await deleteOrArchive({ db: app.db, ctx: requestContext(request) }, 'project', request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/projects/:id/hooks/:stage/apply-template',
    {
      config: { permission: allow.group('owner', groupOf.project) },
      schema: {
        tags,
        summary: 'Copy a hook template\'s script into one hook of the project',
        params: HookParams,
        body: ApplyTemplateBody,
        response: { 200: ProjectView, ...errorResponses },
      },
    },
    async (request) => applyHookTemplate({ db: app.db, ctx: requestContext(request) }, { ...request.params, templateId: request.body.templateId }),
  );

  app.get(
    '/api/projects/:id/refs',
    {
      config: { permission: allow.group('viewer', groupOf.project) },
      schema: {
        tags,
        summary: 'Branches and tags of the project\'s repository (cached 30 s)',
        params: IdParams,
        querystring: RefsQuery,
        response: { 200: RefsView, ...errorResponses, 502: ErrorBody },
      },
    },
    async (request) => projectRefs({ ...gitDeps, pinnedBy: actorOf(request).username }, { id: request.params.id, refresh: request.query.refresh ?? false }),
  );

  app.get(
    '/api/projects/:id/commits',
    {
      config: { permission: allow.group('viewer', groupOf.project) },
      schema: {
        tags,
        summary: 'Newest commits of a branch or tag, newest first (cached 30 s)',
        params: IdParams,
        querystring: CommitsQuery,
        response: { 200: CommitsView, ...errorResponses, 502: ErrorBody },
      },
    },
    async (request) => projectCommits({ ...gitDeps, pinnedBy: actorOf(request).username }, { id: request.params.id, ...request.query }),
  );
};
