import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { archiveRoutes } from './archive/routes.js';
import { auditRoutes } from './audit/routes.js';
import { registerDirectory } from './auth/ldap/register.js';
import { authRoutes } from './auth/routes.js';
import type { Config } from './config.js';
import { credentialRoutes } from './credentials/routes.js';
import { gitPlatformRoutes } from './git-platforms/routes.js';
import { gitHostRoutes } from './git-hosts/routes.js';
import { webhookRoutes } from './webhooks/routes.js';
import { environmentRoutes } from './environments/routes.js';
import { scaleRoutes } from './environments/scale-routes.js';
import { supervisionRoutes } from './supervision/routes.js';
import { groupRoutes } from './groups/routes.js';
import { healthRoutes } from './health/routes.js';
import { hookTemplateRoutes } from './hook-templates/routes.js';
import { notificationChannelRoutes } from './notifications/routes.js';
import { alertRoutes } from './alerts/routes.js';
import { monitoringRoutes } from './monitoring/routes.js';
import { registerPermissionGuard } from './plugins/app/auth/permission-guard.js';
import { registerSessions } from './plugins/app/auth/sessions.js';
import { registerCompression } from './plugins/app/compression.js';
import { registerDb } from './plugins/app/db.js';
import { registerErrorHandling } from './plugins/app/error-handler.js';
import { registerRequestLog } from './plugins/app/request-log.js';
import { registerPrincipalCache } from './plugins/app/auth/principal-cache.js';
import { registerCurrentUserCache } from './plugins/app/auth/current-user.js';
import { withLogRedaction } from './plugins/app/log-redaction.js';
import { registerServices } from './plugins/app/services.js';
import { registerSsh } from './plugins/app/ssh.js';
import { registerValidation } from './plugins/app/validation.js';
import { registerJwt } from './plugins/external/jwt.js';
import { registerOpenApi } from './plugins/external/openapi.js';
import { registerSecurity } from './plugins/external/security.js';
import { registerSpa } from './plugins/external/spa.js';
import { registerWebsocket } from './plugins/external/websocket.js';
import type { Db } from './shared/db.js';
import type { PasswordHasher } from './shared/passwords.js';
import { projectRoutes } from './projects/routes.js';
import { liveRoutes } from './live/routes.js';
import { metricsRoutes } from './metrics/routes.js';
import { registerReleaseListCache } from './releases/list-cache.js';
import { releaseRoutes } from './releases/routes.js';
import { createReleaseWorker, type ReleaseWorker } from './runs/worker.js';
import { serverRoutes } from './servers/routes.js';
import { statsRoutes } from './stats/routes.js';
import { tokenRoutes } from './tokens/routes.js';
import { userRoutes } from './users/routes.js';
import { versionRoutes } from './versions/routes.js';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
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

const featureRoutes = [
  healthRoutes,
  authRoutes,
  userRoutes,
  groupRoutes,
  tokenRoutes,
  auditRoutes,
  credentialRoutes,
  gitPlatformRoutes,
  gitHostRoutes,
  webhookRoutes,
  serverRoutes,
  projectRoutes,
  hookTemplateRoutes,
  notificationChannelRoutes,
  alertRoutes,
  environmentRoutes,
  monitoringRoutes,
  scaleRoutes,
  supervisionRoutes,
  archiveRoutes,
  releaseRoutes,
  liveRoutes,
  statsRoutes,
  versionRoutes,
  metricsRoutes,
];

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    ...(deps.logger ? { loggerInstance: withLogRedaction(deps.logger) } : { logger: false }),
    disableRequestLogging: true,
    trustProxy: deps.config.trustProxy,
    bodyLimit: BODY_LIMIT,
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.decorate('config', deps.config);

  // First, because plugins and routes take the error handler, validator and route hooks in force when they register.
  registerErrorHandling(app);
  registerRequestLog(app);
  registerValidation(app);
  registerPermissionGuard(app);

  await registerSecurity(app);
  await registerCompression(app);
  await registerJwt(app, deps.masterKey);
  await registerOpenApi(app);
  await registerWebsocket(app);

  await registerDb(app, deps);
  registerSessions(app);
  registerPrincipalCache(app);
  registerCurrentUserCache(app);
  registerReleaseListCache(app);
  registerServices(app, deps);
  registerDirectory(app);
  registerSsh(app);

  for (const routes of featureRoutes) await app.register(routes);
  registerWorker(app, deps);

  await registerSpa(app, deps.config.webDist);
  return app;
}

/** The embedded worker (WORKER_ENABLED, on by default); `pnpm worker` runs the same class in its own process. */
function registerWorker(app: FastifyInstance, deps: AppDeps): void {
  const worker = deps.config.workerEnabled
    ? createReleaseWorker({ config: deps.config, db: deps.db, subscriber: app.subscriber, secrets: app.secrets, transport: app.ssh, log: app.log })
    : null;
  app.decorate('worker', worker);
  if (!worker) return;
  app.addHook('onReady', async () => worker.start());
  // Releases still running at shutdown are aborted at a safe point: they end "aborted" with every target's state
  // known, instead of "interrupted" after the heartbeat goes stale.
  app.addHook('preClose', async () => worker.stop({ abortRunning: true }));
}
