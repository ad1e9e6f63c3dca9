import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** Paths the SPA must never swallow: unknown API URLs get a JSON 404, not index.html. */
const isServerPath = (url: string) => /^\/(api|ws|docs|healthz|readyz)(\/|\?|$)/.test(url);

export async function registerSpa(app: FastifyInstance, webDist: string): Promise<void> {
  const hasSpa = existsSync(path.join(webDist, 'index.html'));
  if (hasSpa) {
    await app.register(fastifyStatic, { root: webDist, wildcard: true, index: 'index.html', maxAge: '1h' });
  } else {
    app.log.warn({ webDist }, 'web UI not built: run `pnpm build` to serve it');
  }
  app.setNotFoundHandler((request, reply) => {
    const url = request.raw.url ?? '/';
    // History-mode routing: any other GET is a client-side route, answered with the SPA shell.
    if (hasSpa && (request.method === 'GET' || request.method === 'HEAD') && !isServerPath(url)) {
      return reply.header('cache-control', 'no-cache').sendFile('index.html');
    }
    return reply.code(404).send({ error: { code: 'NOT_FOUND', message: `Route ${request.method} ${url.split('?')[0]} not found` } });
  });
}
