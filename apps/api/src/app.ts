import fastifyJwt from '@fastify/jwt';
import fastifyWebsocket from '@fastify/websocket';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { auditRoutes } from './audit/routes.js';
import type { PasswordHasher } from './auth/passwords.js';
import { authRoutes } from './auth/routes.js';
import type { AuthDeps } from './auth/service.js';
import type { Config } from './config.js';
import { credentialRoutes } from './credentials/routes.js';
import { environmentRoutes } from './environments/routes.js';
import { groupRoutes } from './groups/routes.js';
import { healthRoutes } from './health/routes.js';
import { hookTemplateRoutes } from './hook-templates/routes.js';
import { registerErrorHandling } from './plugins/app/error-handler.js';
import { registerPermissionGuard } from './plugins/app/auth/permission-guard.js';
import { registerValidation } from './plugins/app/validation.js';
import { registerOpenApi } from './plugins/external/openapi.js';
import { registerSecurity } from './plugins/external/security.js';
import { registerSpa } from './plugins/external/spa.js';
import type { Db } from './shared/db.js';
import { projectRoutes } from './projects/routes.js';
import { releaseRoutes } from './releases/routes.js';
import { createReleaseWorker, type ReleaseWorker } from './releases/worker.js';
import { createSubscriber, type Subscriber } from './shared/pubsub.js';
import { serverRoutes } from './servers/routes.js';
import { statsRoutes } from './stats/routes.js';
import { deriveKey } from './shared/master-key.js';
import { createSecretBox, type SecretBox } from './shared/secret-box.js';
import { tokenRoutes } from './tokens/routes.js';
import { userRoutes } from './users/routes.js';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    db: Db;
    hasher: PasswordHasher;
    authDeps: AuthDeps;
    /** Encrypts credentials and secret variables at rest; the key never leaves this process. */
    secrets: SecretBox;
    /** LISTEN/NOTIFY fan-out: how live release events reach this process from whichever worker runs them. */
    subscriber: Subscriber;
    worker: ReleaseWorker | null;
  }
}

export interface AppDeps {
  config: Config;
  db: Db;
  /** The same database as `db`, for the dedicated LISTEN connection. */
  databaseUrl: string;
  masterKey: Buffer;
  hasher: PasswordHasher;
  logger?: FastifyBaseLogger;
}

/** Large enough that an oversized field reaches validation and is named in a 400, not cut off as a 413. */
const BODY_LIMIT = 4 * 1024 * 1024;

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger } : { logger: false }),
    trustProxy: deps.config.trustProxy,
    bodyLimit: BODY_LIMIT,
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.decorate('config', deps.config);
  app.decorate('db', deps.db);
  app.decorate('hasher', deps.hasher);
  app.decorate('secrets', createSecretBox(deriveKey(deps.masterKey, 'credentials')));
  const subscriber = await createSubscriber(deps.databaseUrl, app.log);
  app.decorate('subscriber', subscriber);
  app.addHook('onClose', async () => subscriber.close());
  registerErrorHandling(app);
  registerValidation(app);
  registerPermissionGuard(app);

  await registerSecurity(app);
  await app.register(fastifyJwt, { secret: deriveKey(deps.masterKey, 'jwt').toString('base64') });
  app.decorate('authDeps', {
    db: deps.db,
    hasher: deps.hasher,
    sessionSeconds: deps.config.jwtExpiresInSeconds,
    sign: (payload, subject, expiresIn) => app.jwt.sign(payload, { sub: subject, expiresIn }),
  } satisfies AuthDeps);
  await registerOpenApi(app);
  await app.register(fastifyWebsocket, { options: { maxPayload: 64 * 1024 } });

  await app.register(healthRoutes);
  await app.register(authRoutes);
  await app.register(userRoutes);
  await app.register(groupRoutes);
  await app.register(tokenRoutes);
  await app.register(auditRoutes);
  await app.register(credentialRoutes);
  await app.register(serverRoutes);
  await app.register(projectRoutes);
  await app.register(hookTemplateRoutes);
  await app.register(environmentRoutes);
  await app.register(releaseRoutes);
  await app.register(statsRoutes);
  registerWorker(app, deps);

  await registerSpa(app, deps.config.webDist);
  return app;
}

/** The embedded worker (WORKER_ENABLED, on by default); `pnpm worker` runs the same class in its own process. */
function registerWorker(app: FastifyInstance, deps: AppDeps): void {
  const worker = deps.config.workerEnabled ? createReleaseWorker(deps.config, { db: deps.db, subscriber: app.subscriber, secrets: app.secrets, log: app.log }) : null;
  app.decorate('worker', worker);
  if (!worker) return;
  app.addHook('onReady', async () => worker.start());
  // Releases still running at shutdown are aborted at a safe point: they end "aborted" with every target's state
  // known, instead of "interrupted" after the heartbeat goes stale.
  app.addHook('preClose', async () => worker.stop({ abortRunning: true }));
}
