import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { onAccessChanged, onLocalAccessChange } from '../../../channels.js';
import { NotFound } from '../../../shared/errors.js';
import { toUserView, type UserRow } from '../../../users/view.js';
import { dropOnWrites, ReadCache, sendSerialized, serialized } from '../read-cache.js';
import type { ReadPool } from '../read-pool.js';
import { actorOf } from './request-context.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** `/api/auth/me` answers by user, for up to READ_CACHE_MS. */
    currentUsers: ReadCache;
  }
}

/** The caller's account with its memberships, in one prepared statement. */
async function currentUser(reads: ReadPool, userId: string) {
  const [row] = await reads.query<UserRow>(
    'auth.me',
    `SELECT u.id, u.username, u.display_name AS "displayName", u.email, u.is_admin AS "isAdmin", u.disabled, u.source,
            u.failed_logins AS "failedLogins", u.locked_until AS "lockedUntil", u.last_login_at AS "lastLoginAt",
            u.created_at AS "createdAt",
            COALESCE((SELECT json_agg(json_build_object('groupId', m.group_id, 'role', m.role, 'group', json_build_object('name', g.name)))
                        FROM memberships m JOIN groups g ON g.id = m.group_id
                       WHERE m.user_id = u.id), '[]') AS memberships
       FROM users u
      WHERE u.id = $1`,
    [userId],
  );
  if (!row) throw new NotFound('User');
  return toUserView(row);
}

/** `/api/auth/me`, from the read cache. */
export async function sendCurrentUser(app: FastifyInstance, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const { userId } = actorOf(request);
  return sendSerialized(reply, await app.currentUsers.get(userId, async () => serialized(reply, await currentUser(app.reads, userId))));
}

/**
 * An answer is dropped at once when the user's access changes (their account edited, a membership, a session or token
 * ended: in this process and, through `access_changed`, in every other) and on any write request in this process
 * (the SPA asks again right after changing the caller's account). What no notice announces, a failed login or a
 * group renamed through another process, shows within READ_CACHE_MS.
 */
export function registerCurrentUserCache(app: FastifyInstance): void {
  const cache = new ReadCache(app.config.readCacheMs, 10_000);
  app.decorate('currentUsers', cache);
  dropOnWrites(app, cache);
  const stopLocal = onLocalAccessChange((userId) => cache.drop(userId ?? undefined));
  const stopRemote = onAccessChanged(app.subscriber, (notice) => cache.drop(notice.kind === 'user' ? notice.userId : undefined));
  app.addHook('onClose', async () => {
    stopLocal();
    stopRemote();
  });
}
