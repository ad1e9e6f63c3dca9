import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { errorResponses } from '@rp/contract/common';
import { Unauthorized } from '../shared/errors.js';
import { UserView } from '@rp/contract/users';
import { allow } from '../plugins/app/auth/permissions.js';
import { actorOf, requestContext } from '../plugins/app/auth/request-context.js';
import { sendCurrentUser } from '../plugins/app/auth/current-user.js';
import { ChangePasswordBody, LoginBody, SessionView } from '@rp/contract/auth';
import { changeOwnPassword, logout, refresh } from './service.js';
import { login } from './login.js';
import { UnknownNameLockout } from './lockout.js';

const sessionOnly = (via: string) => {
  if (via !== 'session') throw new Unauthorized('This action needs a login session, not an API token');
};

export const authRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const lockout = { threshold: app.config.loginLockoutThreshold, minutes: app.config.loginLockoutMinutes };
  const unknownNames = new UnknownNameLockout(lockout);

  app.post(
    '/api/auth/login',
    {
      config: {
        permission: allow.public(),
        rateLimit: { max: app.config.loginRateLimitPerMinute, timeWindow: '1 minute' },
      },
      schema: {
        tags: ['auth'],
        summary: 'Log in with username and password (a local account, or with LDAP configured a directory account)',
        description: `${app.config.loginLockoutThreshold} wrong passwords in a row lock an account for ${app.config.loginLockoutMinutes} minutes (423, whatever the password). 503: the directory is unreachable.`,
        body: LoginBody,
        response: { 200: SessionView, 423: errorResponses[400], 429: errorResponses[400], 503: errorResponses[400], ...errorResponses },
      },
    },
    async (request) =>
      login({ db: app.db, hasher: app.hasher, sessions: app.sessions, directory: app.directory, lockout, unknownNames, ctx: requestContext(request) }, request.body),
  );

  app.get(
    '/api/auth/me',
    { config: { permission: allow.user() }, schema: { tags: ['auth'], summary: 'The logged-in user', response: { 200: UserView, ...errorResponses } } },
    async (request, reply) => sendCurrentUser(app, request, reply),
  );

  app.post(
    '/api/auth/logout',
    { config: { permission: allow.user('read') }, schema: { tags: ['auth'], summary: 'End this session', response: { 204: Type.Null(), ...errorResponses } } },
    async (request, reply) => {
      const actor = actorOf(request);
      sessionOnly(actor.via);
      await logout({ db: app.db, ctx: requestContext(request) }, { sessionId: actor.sessionId as string });
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/auth/refresh',
    { config: { permission: allow.user('read') }, schema: { tags: ['auth'], summary: 'Exchange this session for a fresh token', response: { 200: SessionView, ...errorResponses } } },
    async (request) => {
      const actor = actorOf(request);
      sessionOnly(actor.via);
      return refresh({ db: app.db, sessions: app.sessions, ctx: requestContext(request) }, { sessionId: actor.sessionId as string, userId: actor.userId });
    },
  );

  app.post(
    '/api/auth/password',
    {
      config: { permission: allow.user() },
      schema: { tags: ['auth'], summary: 'Change your own password (ends all your sessions)', body: ChangePasswordBody, response: { 204: Type.Null(), ...errorResponses } },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      sessionOnly(actor.via);
      await changeOwnPassword({ db: app.db, hasher: app.hasher, ctx: requestContext(request) }, { userId: actor.userId, ...request.body });
      return reply.code(204).send(null);
    },
  );
};
