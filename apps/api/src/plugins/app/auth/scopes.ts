import type { FastifyRequest } from 'fastify';
import type { Db } from '../../../shared/db.js';
import type { GroupResolver } from './permissions.js';

/**
 * Where a route's group comes from: the resource named by the path's `id`, or by another path or body field.
 * `allow.group('viewer', groupOf.server)`, `allow.group('developer', groupOf.environment.fromBody('environmentId'))`.
 */
export interface Scope extends GroupResolver {
  fromParam(field: string): GroupResolver;
  fromBody(field: string): GroupResolver;
}

type Lookup = (db: Db, id: string) => Promise<string | null>;

const field = (source: unknown, name: string) => (source as Record<string, string | null | undefined> | undefined)?.[name];

function scope(lookup: Lookup): Scope {
  const from = (part: 'params' | 'body', name: string): GroupResolver => (request: FastifyRequest) => {
    const id = field(request[part], name);
    return id === undefined || id === null ? null : lookup(request.server.db, id);
  };
  return Object.assign(from('params', 'id'), { fromParam: (name: string) => from('params', name), fromBody: (name: string) => from('body', name) });
}

/** The group a resource belongs to; null when it is global or does not exist, which leaves it to administrators. */
export const groupOf = {
  /** The group itself: a group's id, or the `groupId` a new resource is created in (absent: a global one). */
  group: scope(async (_db, id) => id),
  server: scope(async (db, id) => (await db.server.findUnique({ where: { id }, select: { groupId: true } }))?.groupId ?? null),
  credential: scope(async (db, id) => (await db.credential.findUnique({ where: { id }, select: { groupId: true } }))?.groupId ?? null),
  gitPlatform: scope(async (db, id) => (await db.gitPlatform.findUnique({ where: { id }, select: { groupId: true } }))?.groupId ?? null),
  project: scope(async (db, id) => (await db.project.findUnique({ where: { id }, select: { groupId: true } }))?.groupId ?? null),
  hookTemplate: scope(async (db, id) => (await db.hookTemplate.findUnique({ where: { id }, select: { groupId: true } }))?.groupId ?? null),
  environment: scope(
    async (db, id) => (await db.environment.findUnique({ where: { id }, select: { project: { select: { groupId: true } } } }))?.project.groupId ?? null,
  ),
  release: scope(async (db, id) => (await db.release.findUnique({ where: { id }, select: { project: { select: { groupId: true } } } }))?.project.groupId ?? null),
} satisfies Record<string, Scope>;
