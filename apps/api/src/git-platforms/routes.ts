import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { errorResponses, IdParams } from '@rp/contract/common';
import { CreateGitPlatformBody, GitPlatformPage, GitPlatformQuery, GitPlatformView, RemoteProjectPage, RemoteProjectQuery, SyncGitPlatformBody, UpdateGitPlatformBody } from '@rp/contract/git-platforms';
import { allow } from '../plugins/app/auth/permissions.js';
import { groupOf } from '../plugins/app/auth/scopes.js';
import { actorOf, requestContext } from '../plugins/app/auth/request-context.js';
import { listRemoteProjects } from './remote-project-list.js';
import { createGitPlatform, deleteGitPlatform, getGitPlatform, listGitPlatforms, startSync, testGitPlatform, updateGitPlatform } from './service.js';
import { SyncRunner } from './sync-runner.js';

export const gitPlatformRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['git-platforms'];
  const privateHosts = app.config.gitPrivateHosts;
  const syncs = new SyncRunner({ db: app.db, secrets: app.secrets, privateHosts, log: app.log });
  app.addHook('onClose', () => syncs.close());

  app.get(
    '/api/git-platforms',
    {
      config: { permission: allow.user() },
      schema: { tags, summary: 'GitLab, GitHub and Gitee instances of your groups and the global ones', querystring: GitPlatformQuery, response: { 200: GitPlatformPage, ...errorResponses } },
    },
    async (request) => listGitPlatforms({ db: app.db, actor: actorOf(request) }, request.query),
  );

  app.post(
    '/api/git-platforms',
    {
      config: { permission: allow.group('owner', groupOf.group.fromBody('groupId')) },
      schema: {
        tags,
        summary: 'Register a Git platform with a git_token credential (group owners; global ones: administrators)',
        body: CreateGitPlatformBody,
        response: { 201: GitPlatformView, ...errorResponses },
      },
    },
    async (request, reply) => reply.code(201).send(await createGitPlatform({ db: app.db, ctx: requestContext(request), privateHosts }, request.body)),
  );

  app.get(
    '/api/git-platforms/:id',
    { config: { permission: allow.group('viewer', groupOf.gitPlatform) }, schema: { tags, summary: 'One Git platform', params: IdParams, response: { 200: GitPlatformView, ...errorResponses } } },
    async (request) => getGitPlatform({ db: app.db }, { id: request.params.id }),
  );

  app.patch(
    '/api/git-platforms/:id',
    {
      config: { permission: allow.group('owner', groupOf.gitPlatform) },
      schema: { tags, summary: 'Rename a Git platform, or change its address or token', params: IdParams, body: UpdateGitPlatformBody, response: { 200: GitPlatformView, ...errorResponses } },
    },
    async (request) => updateGitPlatform({ db: app.db, ctx: requestContext(request), privateHosts }, { id: request.params.id, changes: request.body }),
  );

  app.delete(
    '/api/git-platforms/:id',
    {
      config: { permission: allow.group('owner', groupOf.gitPlatform) },
      schema: { tags, summary: 'Remove a Git platform (its credential stays)', params: IdParams, response: { 204: Type.Null(), ...errorResponses } },
    },
    async (request, reply) => {
      await deleteGitPlatform({ db: app.db, ctx: requestContext(request) }, { id: request.params.id });
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/git-platforms/:id/test',
    {
      config: { permission: allow.group('owner', groupOf.gitPlatform) },
      schema: {
        tags,
        summary: 'Test the connection: who the token belongs to and its scopes (a refused token is a result, not an error)',
        params: IdParams,
        response: { 200: GitPlatformView, ...errorResponses },
      },
    },
    async (request) => testGitPlatform({ db: app.db, ctx: requestContext(request), privateHosts, secrets: app.secrets }, { id: request.params.id }),
  );

  app.post(
    '/api/git-platforms/:id/sync',
    {
      config: { permission: allow.group('owner', groupOf.gitPlatform) },
      schema: {
        tags,
        summary: 'Start a project sync in the background; 409 while one runs. Poll the platform for its outcome',
        params: IdParams,
        body: Type.Optional(SyncGitPlatformBody),
        response: { 202: GitPlatformView, ...errorResponses },
      },
    },
    async (request, reply) =>
      reply.code(202).send(await startSync({ db: app.db, ctx: requestContext(request), syncs }, { id: request.params.id, mode: request.body?.mode ?? 'full' })),
  );

  app.get(
    '/api/git-platforms/:id/projects',
    {
      config: { permission: allow.group('viewer', groupOf.gitPlatform) },
      schema: { tags, summary: 'Projects the platform\'s token can see, as the last sync stored them; search by namespace or name', params: IdParams, querystring: RemoteProjectQuery, response: { 200: RemoteProjectPage, ...errorResponses } },
    },
    async (request) => listRemoteProjects({ db: app.db }, { id: request.params.id, query: request.query }),
  );
};
