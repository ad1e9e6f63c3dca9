import type { FastifyRequest } from 'fastify';
import type { Actor, RequestContext } from './actor.js';

export function requestContext(request: FastifyRequest): RequestContext {
  return {
    actorId: request.actor?.userId ?? null,
    actorName: request.actor?.username ?? 'anonymous',
    ip: request.ip ?? null,
    userAgent: request.headers['user-agent']?.slice(0, 256) ?? null,
  };
}

/** For handlers whose permission guarantees a caller: narrows the type instead of repeating null checks. */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw new Error('actorOf() used on a route without an authenticated permission');
  return request.actor;
}
