import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { checkScraper } from './access.js';
import { createPlatformMetrics } from './platform-metrics.js';

/**
 * `GET /metrics` in Prometheus' text format. Outside the permission guard's paths: access is METRICS_TOKEN or
 * loopback (see access.ts), not a session or API token.
 */
export const metricsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // Created at registration: the watermark of finished runs starts now, not at the first scrape. Every WebSocket is a
  // live viewer (of a release or of a service log), so the server's own client set counts them without reaching into live/.
  const metrics = createPlatformMetrics({ db: app.db, liveViewers: () => app.websocketServer.clients.size, sshConnections: () => app.ssh.openConnections?.() ?? 0 });

  app.get(
    '/metrics',
    { logLevel: 'warn', schema: { tags: ['health'], summary: 'Prometheus metrics (bearer METRICS_TOKEN; unset: loopback clients only)' } },
    async (request, reply) => {
      checkScraper(request, app.config.metricsToken);
      return reply.type(metrics.contentType).send(await metrics.scrape());
    },
  );
};
