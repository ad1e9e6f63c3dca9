import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { errorResponses } from '@rp/contract/common';
import {
  CreateReleaseBody,
  DryRunBody,
  DryRunPlan,
  FireTriggerBody,
  LogPage,
  LogQuery,
  MoveBody,
  ReleaseIdParams,
  ReleasePage,
  ReleaseQuery,
  ReleaseView,
  RetryBody,
  ReviewBody,
  RollbackBody,
  SettingsChanges,
  TriggerParams,
} from '@rp/contract/releases';
import { allow } from '../plugins/app/auth/permissions.js';
import { actorOf, requestContext } from '../plugins/app/auth/request-context.js';
import { groupOf } from '../plugins/app/auth/scopes.js';
import { sendSerialized, serialized } from '../plugins/app/read-cache.js';
import { abort, approve, cancel, reject, resume, retry, start } from './actions.js';
import { createRelease, createRollback } from './create.js';
import { releaseDetail } from './detail.js';
import { planPreview } from './dry-run.js';
import { moveInQueue } from './queue.js';
import { fireTrigger } from './triggers.js';
import { listReleases } from './list.js';
import { releaseListKey } from './list-cache.js';
import { releaseSettingsChanges } from './settings-diff.js';
import { listEvents, logText } from './views.js';

export const releaseRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db, secrets } = app;
  const groupOfEnvironment = groupOf.environment.fromBody('environmentId');
  const one = { params: ReleaseIdParams, response: { 200: ReleaseView, ...errorResponses } };
  const action = (summary: string) => ({ tags: ['releases'], summary, ...one });
  const asCaller = (request: FastifyRequest) => ({ db, actor: actorOf(request), ctx: requestContext(request) });
  const audited = (request: FastifyRequest) => ({ db, ctx: requestContext(request) });

  app.get(
    '/api/releases',
    { config: { permission: allow.user() }, schema: { tags: ['releases'], summary: 'Releases you can see, newest first', querystring: ReleaseQuery, response: { 200: ReleasePage, ...errorResponses } } },
    async (request, reply) => {
      const actor = actorOf(request);
      const body = await app.releaseList.get(releaseListKey(actor, request.query), async () => serialized(reply, await listReleases({ reads: app.reads, actor }, request.query)));
      return sendSerialized(reply, body);
    },
  );

  app.post(
    '/api/releases',
    {
      config: { permission: allow.group('developer', groupOfEnvironment, 'release') },
      schema: { tags: ['releases'], summary: 'Create a release (发布单) of a branch, tag or commit', body: CreateReleaseBody, response: { 201: ReleaseView, ...errorResponses, 502: errorResponses[400] } },
    },
    async (request, reply) => reply.code(201).send(await createRelease({ ...asCaller(request), secrets }, request.body)),
  );

  app.post(
    '/api/releases/dry-run',
    {
      config: { permission: allow.group('developer', groupOfEnvironment, 'release') },
      schema: {
        tags: ['releases'],
        summary: 'The exact commands a release would run, per target, without creating it or connecting anywhere',
        body: DryRunBody,
        response: { 200: DryRunPlan, ...errorResponses, 502: errorResponses[400] },
      },
    },
    async (request) => planPreview({ db, secrets, actor: actorOf(request), workDir: app.config.workDir }, request.body),
  );

  app.get('/api/releases/:id', { config: { permission: allow.group('viewer', groupOf.release) }, schema: { tags: ['releases'], summary: 'One release with its targets', ...one } }, async (request) =>
    releaseDetail({ reads: app.reads, db }, { id: request.params.id }),
  );
  app.get(
    '/api/releases/:id/settings-changes',
    {
      config: { permission: allow.group('viewer', groupOf.release) },
      schema: { tags: ['releases'], summary: 'What changed in the project and environment settings since the release was planned: a retry runs with the current ones', params: ReleaseIdParams, response: { 200: SettingsChanges, ...errorResponses } },
    },
    async (request) => releaseSettingsChanges(db, { id: request.params.id }),
  );

  app.post(
    '/api/releases/:id/approve',
    // Developers pass the guard so that an environment's named approvers can; the environment's policy decides (owners by default).
    { config: { permission: allow.group('developer', groupOf.release, 'release') }, schema: { ...action('Approve (by someone other than the creator)'), body: ReviewBody } },
    async (request) => approve(asCaller(request), { id: request.params.id, comment: request.body?.comment ?? '' }),
  );
  app.post(
    '/api/releases/:id/reject',
    { config: { permission: allow.group('developer', groupOf.release, 'release') }, schema: { ...action('Reject'), body: ReviewBody } },
    async (request) => reject(asCaller(request), { id: request.params.id, comment: request.body?.comment ?? '' }),
  );
  const developerAction = { config: { permission: allow.group('developer', groupOf.release, 'release') } };
  app.post('/api/releases/:id/start', { ...developerAction, schema: action('Queue an approved release') }, async (request) => start(audited(request), { id: request.params.id }));
  app.post('/api/releases/:id/cancel', { ...developerAction, schema: action('Cancel a release that has not started') }, async (request) => cancel(audited(request), { id: request.params.id }));
  app.post('/api/releases/:id/continue', { ...developerAction, schema: action('Continue with the next batch') }, async (request) => resume(audited(request), { id: request.params.id }));
  app.post('/api/releases/:id/abort', { ...developerAction, schema: action('Abort: cancel if not started, else stop at the next safe point') }, async (request) =>
    abort(audited(request), { id: request.params.id }),
  );
  app.post('/api/releases/:id/retry', { ...developerAction, schema: { ...action('Run again on the targets that did not succeed, reusing the artifact'), body: Type.Optional(RetryBody) } }, async (request) =>
    retry(asCaller(request), { id: request.params.id, overrideWindow: request.body?.overrideWindow }),
  );
  app.post(
    '/api/releases/:id/move',
    { config: { permission: allow.group('owner', groupOf.release, 'release') }, schema: { ...action('Move a queued release before another one, or to the end of the queue'), body: MoveBody } },
    async (request) => moveInQueue(audited(request), { id: request.params.id, before: request.body?.before }),
  );
  app.post(
    '/api/releases/:id/rollback',
    { ...developerAction, schema: { tags: ['releases'], summary: 'Roll the environment (or the chosen servers) back to this release (creates a rollback release)', params: ReleaseIdParams, body: RollbackBody, response: { 201: ReleaseView, ...errorResponses } } },
    async (request, reply) => reply.code(201).send(await createRollback(asCaller(request), { toId: request.params.id, description: request.body?.description ?? '', overrideWindow: request.body?.overrideWindow, serverIds: request.body?.serverIds, rollout: request.body?.rollout })),
  );

  app.get(
    '/api/releases/:id/logs',
    { config: { permission: allow.group('viewer', groupOf.release) }, schema: { tags: ['releases'], summary: 'Events and log lines after `since`', params: ReleaseIdParams, querystring: LogQuery, response: { 200: LogPage, ...errorResponses } } },
    async (request) => listEvents({ db }, { id: request.params.id, since: request.query.since ?? 0, limit: request.query.limit ?? 1_000 }),
  );

  app.get(
    '/api/releases/:id/logs.txt',
    { config: { permission: allow.group('viewer', groupOf.release) }, schema: { tags: ['releases'], summary: 'The whole log as text', params: ReleaseIdParams } },
    async (request, reply) => {
      const text = await logText({ db }, { id: request.params.id });
      reply.header('content-type', 'text/plain; charset=utf-8').header('content-disposition', `attachment; filename="release-${request.params.id}.log"`);
      return text;
    },
  );

  app.post(
    '/api/trigger/:token',
    {
      // The token is the credential; it names its own user and environment.
      config: { permission: allow.public(), rateLimit: { max: 60, timeWindow: '1 minute' } },
      schema: { tags: ['triggers'], summary: 'Create and queue a release with a trigger token (for internal tools)', params: TriggerParams, body: Type.Optional(FireTriggerBody), response: { 201: ReleaseView, ...errorResponses, 502: errorResponses[400] } },
    },
    async (request, reply) => reply.code(201).send(await fireTrigger({ db, secrets, ctx: requestContext(request) }, { token: request.params.token, ...request.body })),
  );
};
