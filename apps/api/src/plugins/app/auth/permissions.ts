import type { FastifyRequest } from 'fastify';
import type { GroupRole, TokenScope } from '../../../generated/prisma/enums.js';
import { Forbidden, Unauthorized } from '../../../shared/errors.js';
import type { Actor } from './actor.js';

/** Which group a request touches; runs after validation, so params and body are well-formed. */
export type GroupResolver = (request: FastifyRequest) => string | null | Promise<string | null>;

/**
 * What a route requires. Every /api route must declare one (the permission guard refuses to start otherwise), and the
 * permission matrix test exercises each declaration with every role.
 */
export type Permission =
  | { kind: 'public' }
  | { kind: 'user'; scope?: TokenScope }
  | { kind: 'admin'; scope?: TokenScope }
  | {
      kind: 'group';
      role: GroupRole;
      /** null (a global resource, or none with that id) leaves the route to administrators. */
      groupOf: GroupResolver;
      scope?: TokenScope;
    };

export const allow = {
  public: (): Permission => ({ kind: 'public' }),
  user: (scope?: TokenScope): Permission => ({ kind: 'user', scope }),
  admin: (scope?: TokenScope): Permission => ({ kind: 'admin', scope }),
  group: (role: GroupRole, groupOf: GroupResolver, scope?: TokenScope): Permission => ({
    kind: 'group',
    role,
    groupOf,
    scope,
  }),
};

const roleRank: Record<GroupRole, number> = { viewer: 1, developer: 2, owner: 3 };
const scopeRank: Record<TokenScope, number> = { read: 1, release: 2, admin: 3 };

export function hasGroupRole(actor: Actor, groupId: string, role: GroupRole): boolean {
  if (actor.isAdmin) return true;
  const held = actor.roles.get(groupId);
  return held !== undefined && roleRank[held] >= roleRank[role];
}

/** Reads need a `read` token; anything that changes state needs `admin` unless the route asks for less. */
function requiredScope(permission: Permission, method: string): TokenScope {
  if (permission.kind !== 'public' && permission.scope) return permission.scope;
  return method === 'GET' || method === 'HEAD' ? 'read' : 'admin';
}

/** Checks that need no route parameters: runs before validation so anonymous callers get 401, not 400. */
export function checkIdentity(actor: Actor | null, permission: Permission, method: string): void {
  if (permission.kind === 'public') return;
  if (!actor) throw new Unauthorized();
  if (actor.tokenScope && scopeRank[actor.tokenScope] < scopeRank[requiredScope(permission, method)]) {
    throw new Forbidden(`This API token's scope "${actor.tokenScope}" does not allow this action`);
  }
  if (permission.kind === 'admin' && !actor.isAdmin) throw new Forbidden('Administrator rights required');
}

export async function checkGroup(actor: Actor | null, permission: Permission, request: FastifyRequest): Promise<void> {
  if (permission.kind !== 'group') return;
  if (!actor) throw new Unauthorized();
  if (actor.isAdmin) return;
  const groupId = await permission.groupOf(request);
  if (groupId === null || !hasGroupRole(actor, groupId, permission.role)) {
    throw new Forbidden(`Role "${permission.role}" in this group required`);
  }
}
