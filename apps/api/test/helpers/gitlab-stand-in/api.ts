import type { FastifyInstance } from 'fastify';
import { presentedToken } from './auth.js';
import { hookRoutes } from './hooks.js';
import { BadParameter } from './pagination.js';
import { projectRoutes } from './projects.js';
import { repositoryRoutes } from './repository.js';
import type { Store } from './store.js';

export interface RequestLogEntry {
  method: string;
  path: string;
  query: Record<string, string>;
  authorised: boolean;
}

export interface ApiControls {
  requests: RequestLogEntry[];
  rateLimit: { remaining: number; retryAfterSeconds: number };
}

/** GitLab's authenticated-API throttle, as its headers report it; the figure itself is the default setting. */
const REQUESTS_PER_PERIOD = 7200;

/** Everything under `<base>/api/v4`: request log, throttle, token check, then the resources. */
export function apiRoutes(app: FastifyInstance, store: Store, controls: ApiControls, prefix: string): void {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });

  app.addHook('onRequest', async (request, reply) => {
    const authorised = presentedToken(request) === store.token;
    controls.requests.push({
      method: request.method,
      path: (request.url.split('?')[0] ?? '').slice(prefix.length),
      query: { ...(request.query as Record<string, string>) },
      authorised,
    });
    if (controls.rateLimit.remaining > 0) {
      controls.rateLimit.remaining -= 1;
      const seconds = controls.rateLimit.retryAfterSeconds;
      const reset = new Date(Date.now() + seconds * 1000);
      return reply
        .code(429)
        .headers({
          'retry-after': String(seconds),
          'ratelimit-name': 'throttle_authenticated_api',
          'ratelimit-limit': String(REQUESTS_PER_PERIOD),
          'ratelimit-observed': String(REQUESTS_PER_PERIOD + 1),
          'ratelimit-remaining': '0',
          'ratelimit-reset': String(Math.floor(reset.getTime() / 1000)),
          'ratelimit-resettime': reset.toUTCString(),
          'content-type': 'text/plain',
        })
        .send('Retry later\n');
    }
    if (!authorised) return reply.code(401).send({ message: '401 Unauthorized' });
  });

  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof BadParameter) return reply.code(400).send({ error: error.message });
    const status = (error as { statusCode?: number }).statusCode ?? 500;
    return reply.code(status).send(status === 500 ? { message: '500 Internal Server Error' } : { error: (error as Error).message });
  });
  app.setNotFoundHandler((_request, reply) => reply.code(404).send({ error: '404 Not Found' }));

  app.get('/user', async () => ({
    id: store.user.id,
    username: store.user.username,
    name: store.user.name,
    state: 'active',
    locked: false,
    avatar_url: null,
    web_url: `${store.baseUrl}/${store.user.username}`,
    created_at: '2024-01-01T00:00:00.000Z',
    bio: '',
    location: '',
    public_email: null,
    website_url: '',
    organization: '',
    job_title: '',
    bot: false,
    last_sign_in_at: '2026-01-01T00:00:00.000Z',
    confirmed_at: '2024-01-01T00:00:00.000Z',
    last_activity_on: new Date().toISOString().slice(0, 10),
    email: `${store.user.username}@example.com`,
    projects_limit: 100000,
    identities: [],
    can_create_group: true,
    can_create_project: true,
    two_factor_enabled: false,
    external: false,
    private_profile: false,
    commit_email: `${store.user.username}@example.com`,
  }));

  app.get('/personal_access_tokens/self', async () => ({
    id: 1,
    name: 'release-platform',
    revoked: false,
    created_at: '2026-01-01T00:00:00.000Z',
    description: null,
    scopes: store.scopes,
    user_id: store.user.id,
    last_used_at: new Date().toISOString(),
    active: true,
    expires_at: '2027-01-01',
  }));

  projectRoutes(app, store);
  repositoryRoutes(app, store);
  hookRoutes(app, store);
}
