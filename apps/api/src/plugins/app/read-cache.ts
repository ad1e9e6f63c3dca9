import type { FastifyInstance, FastifyReply } from 'fastify';

interface Entry {
  until: number;
  body: Promise<string>;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Serialised answers of a hot read, kept at most `ttlMs` (a second at most: READ_CACHE_MS) so that many clients
 * polling the same thing cost one query a second instead of one each. Its owner drops entries on every change it
 * hears of; requests arriving together share one load, and a load that fails is never kept.
 */
export class ReadCache {
  readonly #entries = new Map<string, Entry>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 100,
  ) {}

  get(key: string, load: () => Promise<string>): Promise<string> {
    if (this.ttlMs <= 0) return load();
    const now = Date.now();
    const hit = this.#entries.get(key);
    if (hit && hit.until > now) return hit.body;
    this.#makeRoom(now);
    // In the map before the load starts: a drop() meanwhile removes it, so an answer possibly read before the change
    // is never kept.
    const entry: Entry = { until: now + this.ttlMs, body: load() };
    this.#entries.set(key, entry);
    entry.body.catch(() => {
      if (this.#entries.get(key) === entry) this.#entries.delete(key);
    });
    return entry.body;
  }

  /** One answer, or with no key all of them. */
  drop(key?: string): void {
    if (key === undefined) this.#entries.clear();
    else this.#entries.delete(key);
  }

  #makeRoom(now: number): void {
    if (this.#entries.size < this.maxEntries) return;
    for (const [key, entry] of this.#entries) if (entry.until <= now) this.#entries.delete(key);
    if (this.#entries.size >= this.maxEntries) this.#entries.delete(this.#entries.keys().next().value as string);
  }
}

/**
 * Drops everything in `cache` whenever a write request answers in this process, whatever it changed, before its
 * response goes out: the writer's next read, and anyone's after it, sees the change.
 */
export function dropOnWrites(app: FastifyInstance, cache: ReadCache): void {
  app.addHook('onSend', (request, _reply, payload, done) => {
    if (!SAFE_METHODS.has(request.method)) cache.drop();
    done(null, payload);
  });
}

/** An answer as the route's response schema writes it (fast-json-stringify always writes a string). */
export const serialized = (reply: FastifyReply, value: unknown) => reply.serialize(value) as string;

/** Sends what `serialized()` wrote: Fastify sends a string typed as JSON as it is, without serialising it again. */
export const sendSerialized = (reply: FastifyReply, body: string) => reply.type('application/json; charset=utf-8').send(body);
