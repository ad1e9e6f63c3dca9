import { CLOSE_NOT_FOUND, CLOSE_UNAUTHORIZED } from '@rp/contract/feed';
import { onAccessChanged, type AccessNotice } from '../channels.js';
import type { Actor } from '../plugins/app/auth/actor.js';
import { reloadActor } from '../plugins/app/auth/authenticate.js';
import { hasGroupRole } from '../plugins/app/auth/permissions.js';
import type { Db } from '../shared/db.js';
import type { Subscriber } from '../shared/pubsub.js';

/**
 * Who may go on watching something: null when the actor may, otherwise why not. Loaded once per check round for
 * every socket watching the same thing.
 */
export type WatchRule = (actor: Actor) => string | null;

/** What a live socket shows: `load` answers null when it no longer exists. */
export interface Watched {
  key: string;
  load(db: Db): Promise<WatchRule | null>;
}

/** An open live socket and the credential it was opened with. */
export interface Viewer {
  userId: string;
  sessionId?: string;
  tokenId?: string;
  watches: Watched;
  close(code: number, reason: string): void;
}

/** A release's log and state: anyone with at least the viewer role in its group. */
export function releaseWatch(releaseId: string): Watched {
  return {
    key: `release:${releaseId}`,
    async load(db) {
      const release = await db.release.findUnique({ where: { id: releaseId }, select: { project: { select: { groupId: true } } } });
      if (!release) return null;
      const { groupId } = release.project;
      return (actor) => (hasGroupRole(actor, groupId, 'viewer') ? null : 'access revoked');
    },
  };
}

/**
 * A notice that arrives while a handshake is between its authentication and its registration here would miss the
 * new socket; one that recent gets the newcomer checked once more. Handshakes take milliseconds.
 */
const HANDSHAKE_WINDOW_MS = 10_000;

/**
 * Every live socket of this process, with who opened it. A socket stays open only while its handshake would still
 * succeed: the user enabled, the session or token alive, and what it watches still there and allowed to them. That is
 * checked when a service announces an access change (`access_changed`) and every `recheckSeconds` besides, which
 * also catches expiry and changes made behind the services' back.
 */
export class ViewerAccess {
  #viewers = new Set<Viewer>();
  /** When each user's access last changed (`*`: everyone's), within HANDSHAKE_WINDOW_MS. */
  #changedAt = new Map<string, number>();
  readonly #db: Db;
  readonly #log: { warn(msg: string): void };
  readonly #unsubscribe: () => void;
  readonly #timer: NodeJS.Timeout;

  constructor({ db, subscriber, log, recheckSeconds }: { db: Db; subscriber: Subscriber; log: { warn(msg: string): void }; recheckSeconds: number }) {
    this.#db = db;
    this.#log = log;
    this.#unsubscribe = onAccessChanged(subscriber, (notice) => {
      this.#changedAt.set(notice.kind === 'all' ? '*' : notice.userId, Date.now());
      void this.recheck(notice);
    });
    this.#timer = setInterval(() => {
      this.#forgetOldChanges();
      void this.recheck({ kind: 'all' });
    }, recheckSeconds * 1000);
    this.#timer.unref();
  }

  /** Registers a socket; the returned function forgets it (call it when the socket closes). */
  add(viewer: Viewer): () => void {
    this.#viewers.add(viewer);
    const now = Date.now();
    const recent = (key: string) => now - (this.#changedAt.get(key) ?? 0) < HANDSHAKE_WINDOW_MS;
    if (recent('*') || recent(viewer.userId)) void this.#check([viewer]);
    return () => {
      this.#viewers.delete(viewer);
    };
  }

  /** Closes every socket (of one user, or all) whose handshake would now be refused. */
  async recheck(notice: AccessNotice): Promise<void> {
    await this.#check([...this.#viewers].filter((v) => notice.kind === 'all' || v.userId === notice.userId));
  }

  close(): void {
    clearInterval(this.#timer);
    this.#unsubscribe();
    this.#viewers.clear();
  }

  async #check(viewers: Viewer[]): Promise<void> {
    if (!viewers.length) return;
    // One lookup per credential and one per release, however many sockets share them.
    const actors = new Map<string, Promise<Actor | null>>();
    const rules = new Map<string, Promise<WatchRule | null>>();
    const once = <T>(cache: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> => {
      const known = cache.get(key);
      if (known) return known;
      const loading = load();
      cache.set(key, loading);
      return loading;
    };
    try {
      await Promise.all(
        viewers.map(async (viewer) => {
          const [actor, rule] = await Promise.all([
            once(actors, `${viewer.userId}/${viewer.sessionId ?? ''}/${viewer.tokenId ?? ''}`, () => reloadActor(this.#db, viewer)),
            once(rules, viewer.watches.key, () => viewer.watches.load(this.#db)),
          ]);
          if (!this.#viewers.has(viewer)) return;
          if (rule === null) viewer.close(CLOSE_NOT_FOUND, 'not found');
          else if (!actor) viewer.close(CLOSE_UNAUTHORIZED, 'access revoked');
          else {
            const refusal = rule(actor);
            if (refusal !== null) viewer.close(CLOSE_UNAUTHORIZED, refusal);
          }
        }),
      );
    } catch (error) {
      // The database is unreachable: the next notice or round decides; closing everyone now would only cause a stampede.
      this.#log.warn(`live access check failed: ${(error as Error).message}`);
    }
  }

  #forgetOldChanges(): void {
    const cutoff = Date.now() - HANDSHAKE_WINDOW_MS;
    for (const [key, at] of this.#changedAt) if (at < cutoff) this.#changedAt.delete(key);
  }
}
