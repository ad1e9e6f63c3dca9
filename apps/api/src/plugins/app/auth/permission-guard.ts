import type { FastifyInstance, HTTPMethods } from 'fastify';
import type { Actor } from './actor.js';
import { authenticate } from './authenticate.js';
import { checkGroup, checkIdentity, type Permission } from './permissions.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    permission?: Permission;
  }
  interface FastifyRequest {
    actor: Actor | null;
  }
  interface FastifyInstance {
    /** Every guarded route with its declared permission; the permission matrix test walks this list. */
    guardedRoutes: { method: string; url: string; permission: Permission }[];
  }
}

/** Paths that must declare a permission; static files and the OpenAPI UI are outside the product's data. */
const isGuardedPath = (url: string) => url.startsWith('/api') || url.startsWith('/ws') || url === '/healthz' || url === '/readyz';

export function registerPermissionGuard(app: FastifyInstance): void {
  app.decorate('guardedRoutes', []);
  app.decorateRequest('actor', null);

  app.addHook('onRoute', (route) => {
    if (!isGuardedPath(route.url)) return;
    const permission = route.config?.permission;
    const methods = ([] as HTTPMethods[]).concat(route.method as HTTPMethods | HTTPMethods[]);
    // Refusing to start is the guarantee that no route ships without an access decision.
    if (!permission) throw new Error(`Route ${methods.join(',')} ${route.url} declares no permission`);
    for (const method of methods) {
      if (method !== 'HEAD') app.guardedRoutes.push({ method, url: route.url, permission });
    }
  });

  app.addHook('onRequest', async (request) => {
    const permission = request.routeOptions.config.permission;
    if (!permission) return;
    try {
      request.actor = await authenticate(app, request);
    } catch (error) {
      if (permission.kind !== 'public') throw error;
    }
    checkIdentity(request.actor, permission, request.method);
  });

  app.addHook('preHandler', async (request) => {
    const permission = request.routeOptions.config.permission;
    if (permission) await checkGroup(request.actor, permission, request);
  });
}
