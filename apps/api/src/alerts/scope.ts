import type { GroupResolver } from '../plugins/app/auth/permissions.js';
import { groupOf } from '../plugins/app/auth/scopes.js';
import type { DbTx } from '../shared/db.js';
import { Invalid, NotFound } from '../shared/errors.js';

export type ScopeKind = 'group' | 'project' | 'environment';
export interface RuleScope {
  kind: ScopeKind;
  id: string;
}

/** The body or column field naming each kind of scope. */
export const SCOPE_FIELD = { group: 'groupId', project: 'projectId', environment: 'environmentId' } as const satisfies Record<ScopeKind, string>;
const KINDS = Object.keys(SCOPE_FIELD) as ScopeKind[];

/** The one scope a new rule names; none or several is refused before anything is looked up. */
export function ruleScopeOf(body: { groupId?: string; projectId?: string; environmentId?: string }): RuleScope {
  const [first, second] = KINDS.filter((kind) => body[SCOPE_FIELD[kind]] !== undefined);
  if (!first) throw new Invalid('body.groupId', 'give exactly one of groupId, projectId, environmentId (the rule\'s scope)');
  if (second) throw new Invalid(`body.${SCOPE_FIELD[second]}`, `give only one of groupId, projectId, environmentId (${SCOPE_FIELD[first]} is given too)`);
  return { kind: first, id: body[SCOPE_FIELD[first]] as string };
}

const LABEL: Record<ScopeKind, string> = { group: 'Group', project: 'Project', environment: 'Environment' };

/** The group a scope belongs to. */
export async function scopeGroupId(db: DbTx, scope: RuleScope): Promise<string> {
  const groupId =
    scope.kind === 'group'
      ? (await db.group.findUnique({ where: { id: scope.id }, select: { id: true } }))?.id
      : scope.kind === 'project'
        ? (await db.project.findUnique({ where: { id: scope.id }, select: { groupId: true } }))?.groupId
        : (await db.environment.findUnique({ where: { id: scope.id }, select: { project: { select: { groupId: true } } } }))?.project.groupId;
  if (!groupId) throw new NotFound(LABEL[scope.kind]);
  return groupId;
}

/** The group of a stored rule, whichever of its three scope columns is set. */
export async function ruleGroupId(db: DbTx, id: string): Promise<string | null> {
  const rule = await db.alertRule.findUnique({
    where: { id },
    select: { groupId: true, project: { select: { groupId: true } }, environment: { select: { project: { select: { groupId: true } } } } },
  });
  return rule?.groupId ?? rule?.project?.groupId ?? rule?.environment?.project.groupId ?? null;
}

/** POST /api/alert-rules: the group of the scope in the body (none or several scopes is a 400 for everyone). */
export const newRuleGroup: GroupResolver = (request) => {
  const { kind } = ruleScopeOf(request.body as Parameters<typeof ruleScopeOf>[0]);
  return groupOf[kind].fromBody(SCOPE_FIELD[kind])(request);
};

/** The group of the rule named by the path's `id`. */
export const ruleGroup: GroupResolver = (request) => ruleGroupId(request.server.db, (request.params as { id: string }).id);

/** The largest id PostgreSQL's bigint holds: a longer path number names no delivery (rather than failing the query). */
const BIGINT_MAX = 2n ** 63n - 1n;

export function deliveryKey(id: string): bigint | null {
  const key = BigInt(id);
  return key <= BIGINT_MAX ? key : null;
}

/** The group of the channel a delivery went through; null (a global channel, or no such delivery) leaves it to administrators. */
export const deliveryChannelGroup: GroupResolver = async (request) => {
  const key = deliveryKey((request.params as { id: string }).id);
  if (key === null) return null;
  const delivery = await request.server.db.notificationDelivery.findUnique({ where: { id: key }, select: { channel: { select: { groupId: true } } } });
  return delivery?.channel.groupId ?? null;
};
