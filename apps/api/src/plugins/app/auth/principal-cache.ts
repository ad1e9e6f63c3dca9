import type { FastifyInstance } from 'fastify';
import { onAccessChanged, onLocalAccessChange } from '../../../channels.js';
import type { Actor } from './actor.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Callers by credential, for a few seconds: see PrincipalCache. */
    principals: PrincipalCache;
  }
}

interface Entry {
  actor: Actor;
  until: number;
}

/**
 * Who a session or API token stands for, kept `ttlMs` (and never past the credential's own expiry) so a busy client
 * does not cost a database round trip per request. A change to someone's access drops their entries at once: in this
 * process when the change is made, in every other through the `access_changed` notice. Failures are never kept.
 */
export class PrincipalCache {
  readonly #entries = new Map<string, Entry>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
  ) {}

  async resolve(key: string, load: () => Promise<{ actor: Actor; until: number }>): Promise<Actor> {
    const now = Date.now();
    const hit = this.#entries.get(key);
    if (hit && hit.until > now) return hit.actor;
    const { actor, until } = await load();
    if (this.ttlMs > 0) {
      if (this.#entries.size >= this.maxEntries) this.#entries.delete(this.#entries.keys().next().value as string);
      this.#entries.set(key, { actor, until: Math.min(until, now + this.ttlMs) });
    }
    return actor;
  }

  /** Someone's access changed; null: many people's did (a group purged, missed notices). */
  drop(userId: string | null): void {
    if (userId === null) this.#entries.clear();
    else for (const [key, entry] of this.#entries) if (entry.actor.userId === userId) this.#entries.delete(key);
  }
}

export function registerPrincipalCache(app: FastifyInstance): void {
  const cache = new PrincipalCache(app.config.authCacheSeconds * 1000);
  app.decorate('principals', cache);
  const stopLocal = onLocalAccessChange((userId) => cache.drop(userId));
  const stopRemote = onAccessChanged(app.subscriber, (notice) => cache.drop(notice.kind === 'user' ? notice.userId : null));
  app.addHook('onClose', async () => {
    stopLocal();
    stopRemote();
  });
}
