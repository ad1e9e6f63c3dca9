import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { allow } from '../plugins/app/auth/permissions.js';
import { actorOf, requestContext } from '../plugins/app/auth/request-context.js';
import { errorResponses } from '@rp/contract/common';
import { CLOSE_NOT_FOUND, CLOSE_TOO_SLOW } from '@rp/contract/feed';
import { createSshTransport } from '@rp/deploy-engine';
import { planPreview } from './dry-run.js';
import { LiveFeed } from './live-feed.js';
import { fireTrigger, getTrigger, issueTrigger, revokeTrigger } from './triggers.js';
import { versionMatrix } from './versions.js';
import {
  CreateReleaseBody,
  DryRunBody,
  DryRunPlan,
  EnvironmentIdParams,
  FireTriggerBody,
  IssuedTrigger,
  IssueTriggerBody,
  LogPage,
  LogQuery,
  MoveBody,
  ReleaseIdParams,
  ReleasePage,
  ReleaseQuery,
  ReleaseView,
  ReviewBody,
  RollbackBody,
  TriggerParams,
  TriggerStatus,
  VersionMatrix,
  VersionQuery,
} from '@rp/contract/releases';
import {
  abortRelease,
  cancelRelease,
  continueRelease,
  createRelease,
  createRollback,
  getRelease,
  listEvents,
  listReleases,
  moveInQueue,
  releaseGroup,
  retryRelease,
  review,
  startRelease,
} from './service.js';

/** A viewer that cannot keep up is dropped rather than buffered without bound or allowed to slow the release. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

export const releaseRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const groupOfRelease = (request: FastifyRequest) => releaseGroup(app.db, (request.params as { id: string }).id);
  const groupOfEnvironment = async (request: FastifyRequest) => {
    const env = await app.db.environment.findUnique({ where: { id: (request.body as { environmentId: string }).environmentId }, select: { project: { select: { groupId: true } } } });
    return env?.project.groupId ?? null;
  };
  const one = { params: ReleaseIdParams, response: { 200: ReleaseView, ...errorResponses } };
  const action = (summary: string) => ({ tags: ['releases'], summary, ...one });

  app.get(
    '/api/releases',
    { config: { permission: allow.user() }, schema: { tags: ['releases'], summary: 'Releases you can see, newest first', querystring: ReleaseQuery, response: { 200: ReleasePage, ...errorResponses } } },
    async (request) => listReleases(app.db, actorOf(request), request.query),
  );

  app.post(
    '/api/releases',
    {
      config: { permission: allow.group('developer', groupOfEnvironment, 'release') },
      schema: { tags: ['releases'], summary: 'Create a release (发布单) of a branch, tag or commit', body: CreateReleaseBody, response: { 201: ReleaseView, ...errorResponses, 502: errorResponses[400] } },
    },
    async (request, reply) => reply.code(201).send(await createRelease(app.db, app.secrets, actorOf(request), request.body, requestContext(request))),
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
    async (request) => planPreview(app.db, app.secrets, actorOf(request), request.body, { workDir: app.config.workDir }),
  );

  app.get('/api/releases/:id', { config: { permission: allow.group('viewer', groupOfRelease) }, schema: { tags: ['releases'], summary: 'One release with its targets', ...one } }, async (request) =>
    getRelease(app.db, request.params.id),
  );

  app.post(
    '/api/releases/:id/approve',
    { config: { permission: allow.group('owner', groupOfRelease, 'release') }, schema: { ...action('Approve (by someone other than the creator)'), body: ReviewBody } },
    async (request) => review(app.db, actorOf(request), request.params.id, true, request.body?.comment ?? '', requestContext(request)),
  );
  app.post(
    '/api/releases/:id/reject',
    { config: { permission: allow.group('owner', groupOfRelease, 'release') }, schema: { ...action('Reject'), body: ReviewBody } },
    async (request) => review(app.db, actorOf(request), request.params.id, false, request.body?.comment ?? '', requestContext(request)),
  );
  const developerAction = { config: { permission: allow.group('developer', groupOfRelease, 'release') } };
  app.post('/api/releases/:id/start', { ...developerAction, schema: action('Queue an approved release') }, async (request) => startRelease(app.db, request.params.id, requestContext(request)));
  app.post('/api/releases/:id/cancel', { ...developerAction, schema: action('Cancel a release that has not started') }, async (request) =>
    cancelRelease(app.db, request.params.id, requestContext(request)),
  );
  app.post('/api/releases/:id/continue', { ...developerAction, schema: action('Continue with the next batch') }, async (request) =>
    continueRelease(app.db, request.params.id, requestContext(request)),
  );
  app.post('/api/releases/:id/abort', { ...developerAction, schema: action('Abort: cancel if not started, else stop at the next safe point') }, async (request) =>
    abortRelease(app.db, request.params.id, requestContext(request)),
  );
  app.post('/api/releases/:id/retry', { ...developerAction, schema: action('Run again on the targets that did not succeed, reusing the artifact') }, async (request) =>
    retryRelease(app.db, request.params.id, requestContext(request)),
  );
  app.post(
    '/api/releases/:id/move',
    { config: { permission: allow.group('owner', groupOfRelease, 'release') }, schema: { ...action('Move a queued release before another one, or to the end of the queue'), body: MoveBody } },
    async (request) => moveInQueue(app.db, request.params.id, request.body?.before, requestContext(request)),
  );
  app.post(
    '/api/releases/:id/rollback',
    { ...developerAction, schema: { tags: ['releases'], summary: 'Roll the environment back to this release (creates a rollback release)', params: ReleaseIdParams, body: RollbackBody, response: { 201: ReleaseView, ...errorResponses } } },
    async (request, reply) => reply.code(201).send(await createRollback(app.db, actorOf(request), request.params.id, request.body?.description ?? '', requestContext(request))),
  );

  app.get(
    '/api/releases/:id/logs',
    { config: { permission: allow.group('viewer', groupOfRelease) }, schema: { tags: ['releases'], summary: 'Events and log lines after `since`', params: ReleaseIdParams, querystring: LogQuery, response: { 200: LogPage, ...errorResponses } } },
    async (request) => listEvents(app.db, request.params.id, request.query.since ?? 0, request.query.limit ?? 1_000),
  );

  app.get(
    '/api/releases/:id/logs.txt',
    { config: { permission: allow.group('viewer', groupOfRelease) }, schema: { tags: ['releases'], summary: 'The whole log as text', params: ReleaseIdParams } },
    async (request, reply) => {
      const names = new Map((await getRelease(app.db, request.params.id)).targets.map((t) => [t.serverId, t.serverName]));
      reply.header('content-type', 'text/plain; charset=utf-8').header('content-disposition', `attachment; filename="release-${request.params.id}.log"`);
      let since = 0;
      const lines: string[] = [];
      for (;;) {
        const page = await listEvents(app.db, request.params.id, since, 10_000);
        for (const e of page.events) {
          if (e.type === 'log') lines.push(`${e.at} [${e.stage ?? '-'}${e.target ? `@${names.get(e.target) ?? e.target}` : ''}] ${e.stream === 'stderr' ? '! ' : ''}${e.text ?? ''}`);
          else lines.push(`${e.at} -- ${e.type}${e.stage ? ` ${e.stage}` : ''}${e.target ? `@${names.get(e.target) ?? e.target}` : ''}`);
        }
        since = page.events.at(-1)?.seq ?? since;
        if (!page.more) break;
      }
      return lines.join('\n') + '\n';
    },
  );

  const groupOfEnvironmentParam = async (request: FastifyRequest) => {
    const env = await app.db.environment.findUnique({ where: { id: (request.params as { id: string }).id }, select: { project: { select: { groupId: true } } } });
    return env?.project.groupId ?? null;
  };
  const transport = createSshTransport({ connectTimeoutMs: 10_000 });

  app.get(
    '/api/environments/:id/versions',
    {
      config: { permission: allow.group('viewer', groupOfEnvironmentParam) },
      schema: { tags: ['releases'], summary: 'Which release each server is on; `check=true` reads the hosts and marks drift', params: EnvironmentIdParams, querystring: VersionQuery, response: { 200: VersionMatrix, ...errorResponses } },
    },
    async (request) => versionMatrix(app.db, app.secrets, transport, request.params.id, request.query.check ?? false),
  );

  app.get(
    '/api/environments/:id/trigger-token',
    { config: { permission: allow.group('owner', groupOfEnvironmentParam) }, schema: { tags: ['triggers'], summary: 'Whether the environment has a trigger token, and its details (never the token)', params: EnvironmentIdParams, response: { 200: TriggerStatus, ...errorResponses } } },
    async (request) => getTrigger(app.db, request.params.id),
  );
  app.post(
    '/api/environments/:id/trigger-token',
    {
      config: { permission: allow.group('owner', groupOfEnvironmentParam) },
      schema: { tags: ['triggers'], summary: 'Issue or replace the trigger token (shown once)', params: EnvironmentIdParams, body: IssueTriggerBody, response: { 201: IssuedTrigger, ...errorResponses } },
    },
    async (request, reply) => reply.code(201).send(await issueTrigger(app.db, actorOf(request), request.params.id, request.body.defaultRef, requestContext(request))),
  );
  app.delete(
    '/api/environments/:id/trigger-token',
    { config: { permission: allow.group('owner', groupOfEnvironmentParam) }, schema: { tags: ['triggers'], summary: 'Revoke the trigger token', params: EnvironmentIdParams, response: { 204: Type.Null(), ...errorResponses } } },
    async (request, reply) => {
      await revokeTrigger(app.db, request.params.id, requestContext(request));
      return reply.code(204).send(null);
    },
  );
  app.post(
    '/api/trigger/:token',
    {
      // The token is the credential; it names its own user and environment.
      config: { permission: allow.public(), rateLimit: { max: 60, timeWindow: '1 minute' } },
      schema: { tags: ['triggers'], summary: 'Create and queue a release with a trigger token (for internal tools)', params: TriggerParams, body: Type.Optional(FireTriggerBody), response: { 201: ReleaseView, ...errorResponses, 502: errorResponses[400] } },
    },
    async (request, reply) => reply.code(201).send(await fireTrigger(app.db, app.secrets, request.params.token, request.body ?? {}, requestContext(request))),
  );

  const feed = new LiveFeed(app.db, app.subscriber, app.log);
  app.addHook('onClose', async () => feed.close());

  app.get(
    '/ws/releases/:id',
    {
      websocket: true,
      config: { permission: allow.group('viewer', groupOfRelease) },
      schema: {
        params: ReleaseIdParams,
        querystring: Type.Object({ since: Type.Optional(Type.Integer({ minimum: 0 })), token: Type.Optional(Type.String({ maxLength: 4096 })) }, { additionalProperties: false }),
      },
    },
    async (socket, request) => {
      const { id } = request.params as { id: string };
      if (!(await app.db.release.findUnique({ where: { id }, select: { id: true } }))) {
        socket.close(CLOSE_NOT_FOUND, 'release not found');
        return;
      }
      const since = (request.query as { since?: number }).since ?? 0;
      const leave = feed.join(id, {
        send: (payload) => {
          if (socket.readyState !== socket.OPEN) return;
          if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
            socket.close(CLOSE_TOO_SLOW, 'client too slow; reconnect with ?since=<last seq>');
            return;
          }
          // Bytes go out as a text frame too: JSON viewers read strings, and the bytes were encoded once for all.
          socket.send(payload, { binary: false });
        },
      }, since);
      socket.on('close', leave);
    },
  );
};
