import type { FastifyInstance } from 'fastify';
import type { ReleaseQuery } from '@rp/contract/releases';
import { onControl, onEvents, onQueued } from '../channels.js';
import type { Actor } from '../plugins/app/auth/actor.js';
import { dropOnWrites, ReadCache } from '../plugins/app/read-cache.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Release list pages by query and visibility, for up to READ_CACHE_MS. */
    releaseList: ReadCache;
  }
}

/**
 * What decides a page: the query, and which releases the caller may see (all, or those of their groups); with
 * `awaitingMe`, who the caller is and their role in each group too (their own releases are left out, and the roles
 * and the environments' named approvers decide the rest).
 */
export function releaseListKey(actor: Actor, q: ReleaseQuery): string {
  const visible = actor.isAdmin ? '*' : [...actor.roles.keys()].sort().join(',');
  const reviewer = q.awaitingMe ? [actor.userId, actor.isAdmin, [...actor.roles].sort()] : null;
  return JSON.stringify([visible, reviewer, q.page, q.pageSize, q.projectId, q.environmentId, q.state, q.createdBy, q.createdFrom, q.createdTo]);
}

/**
 * Any change drops every page at once: in this process any write request (a release, or the project and environment
 * names the list shows); in every process each release notice (`release_events`, which carries every state change and
 * every new event, `release_queue`, `release_control`).
 */
export function registerReleaseListCache(app: FastifyInstance): void {
  const cache = new ReadCache(app.config.readCacheMs);
  app.decorate('releaseList', cache);
  dropOnWrites(app, cache);
  const drop = () => cache.drop();
  const stops = [onEvents(app.subscriber, drop), onQueued(app.subscriber, drop), onControl(app.subscriber, drop)];
  app.addHook('onClose', async () => {
    for (const stop of stops) stop();
  });
}
