import type { ReleasePolicyInput, ReleasePolicyView } from '@rp/contract/environments';
import { globMatches } from '@rp/contract/rules';
import type { GroupRole } from '../generated/prisma/enums.js';
import type { Prisma } from '../generated/prisma/client.js';
import type { Actor } from '../plugins/app/auth/actor.js';
import { hasGroupRole } from '../plugins/app/auth/permissions.js';
import type { DbTx } from '../shared/db.js';
import { Conflict, Forbidden, Invalid } from '../shared/errors.js';
import { isInsideWindow, type ReleaseWindow } from './windows.js';

/**
 * An environment's release policy and the decisions made from it. Every entry point that starts, approves or runs a
 * release (create, dry run, retry, rollback, approve, trigger, claim, and later the webhook) asks these functions,
 * so a rule is written once. They answer with a refusal text, or null when allowed; callers choose the error.
 */
export type ReleasePolicy = ReleasePolicyView;
export type RefRule = ReleasePolicy['refPolicy'];

/** An empty stored policy (`{}`) means the rules that held before policies existed. */
export const DEFAULT_POLICY: ReleasePolicy = {
  releasers: 'developers',
  releaserIds: [],
  approvers: 'owners',
  approverIds: [],
  refPolicy: { kind: 'any' },
  customRollout: 'everyone',
};

const stringsIn = (value: unknown) => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
const oneOf = <T extends string>(value: unknown, allowed: readonly T[], fallback: T): T => (allowed.includes(value as T) ? (value as T) : fallback);

function refRuleOf(value: unknown): RefRule {
  const rule = value && typeof value === 'object' ? (value as { kind?: unknown; pattern?: unknown }) : {};
  const kind = oneOf(rule.kind, ['any', 'tags', 'branches'] as const, 'any');
  if (kind === 'any') return { kind };
  return typeof rule.pattern === 'string' && rule.pattern !== '' ? { kind, pattern: rule.pattern } : { kind };
}

/** The stored JSON read defensively: anything unknown falls back to its default instead of failing a release. */
export function policyOf(json: Prisma.JsonValue | undefined): ReleasePolicy {
  const stored = json && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>) : {};
  const releasers = oneOf(stored.releasers, ['developers', 'owners', 'named'] as const, DEFAULT_POLICY.releasers);
  const approvers = oneOf(stored.approvers, ['owners', 'named'] as const, DEFAULT_POLICY.approvers);
  return {
    releasers,
    releaserIds: releasers === 'named' ? stringsIn(stored.releaserIds) : [],
    approvers,
    approverIds: approvers === 'named' ? stringsIn(stored.approverIds) : [],
    refPolicy: refRuleOf(stored.refPolicy),
    customRollout: oneOf(stored.customRollout, ['everyone', 'owners'] as const, DEFAULT_POLICY.customRollout),
  };
}

/**
 * The policy as it will be stored, from an owner's input: named people must be developers or owners of the
 * project's group (a viewer could never use the right), and a named list may not be empty.
 */
export async function checkedPolicy(tx: DbTx, groupId: string, input: ReleasePolicyInput): Promise<ReleasePolicy> {
  const policy = policyOf(input as Prisma.JsonValue);
  const lists = [
    ['releaserIds', policy.releasers === 'named', policy.releaserIds],
    ['approverIds', policy.approvers === 'named', policy.approverIds],
  ] as const;
  for (const [field, named, ids] of lists) {
    if (!named) continue;
    if (ids.length === 0) throw new Invalid(`body.policy.${field}`, 'name at least one user');
    const members = await tx.membership.findMany({ where: { groupId, userId: { in: [...ids] } }, select: { userId: true, role: true } });
    const usable = new Set(members.filter((m) => m.role !== 'viewer').map((m) => m.userId));
    const strangers = ids.filter((id) => !usable.has(id));
    if (strangers.length) throw new Invalid(`body.policy.${field}`, `not developers or owners of the project's group: ${strangers.join(', ')}`);
  }
  return policy;
}

export type RefKind = 'branch' | 'tag' | 'commit';

/** What a ref says of itself without asking the repository: a full SHA, or a qualified `refs/heads/` / `refs/tags/` name. */
export function refKindByName(ref: string): RefKind | null {
  if (/^[0-9a-f]{40}$/.test(ref)) return 'commit';
  if (ref.startsWith('refs/tags/')) return 'tag';
  if (ref.startsWith('refs/heads/')) return 'branch';
  return null;
}

export const refName = (ref: string) => ref.replace(/^refs\/(heads|tags)\//, '');

/** The ref rule in words, e.g. "tags matching v* only". */
export function refRuleText(rule: RefRule): string {
  if (rule.kind === 'any') return 'any branch, tag or commit';
  const what = rule.kind === 'tags' ? 'tags' : 'branches';
  return rule.pattern ? `${what} matching ${rule.pattern} only` : `${what} only`;
}

/** The kind the rule asks for, when it asks for one. */
export const wantedKind = (rule: RefRule): 'tag' | 'branch' | null => (rule.kind === 'tags' ? 'tag' : rule.kind === 'branches' ? 'branch' : null);

interface Env {
  name: string;
  policy: ReleasePolicy;
}
/** The person acting, with their current roles, and the group of the environment's project. */
export interface Who {
  actor: Actor;
  groupId: string;
}

const isOwner = ({ actor, groupId }: Who) => hasGroupRole(actor, groupId, 'owner');

/** A user's standing as the policy sees it now, from their row: what a trigger or a claim acts as. A disabled user has none. */
export function whoIs(user: { id: string; username: string; isAdmin: boolean; disabled: boolean; memberships: { groupId: string; role: GroupRole }[] }, groupId: string): Who {
  const roles = user.disabled ? [] : user.memberships.map((m) => [m.groupId, m.role] as const);
  return { actor: { userId: user.id, username: user.username, isAdmin: user.isAdmin && !user.disabled, roles: new Map(roles), via: 'token' }, groupId };
}

/** Who may create (or retry, roll back, trigger, have claimed) a release here. */
export function releaserRefusal(env: Env, who: Who): string | null {
  if (isOwner(who)) return null;
  if (!hasGroupRole(who.actor, who.groupId, 'developer')) return `Role "developer" in this group is required to release to ${env.name}`;
  if (env.policy.releasers === 'owners') return `Only owners may release to ${env.name}`;
  if (env.policy.releasers === 'named' && !env.policy.releaserIds.includes(who.actor.userId)) return `Only owners and the named releasers may release to ${env.name}`;
  return null;
}

/** Who may approve or reject a release here (someone other than its creator: checked by the caller). */
export function approverRefusal(env: Env, who: Who): string | null {
  if (isOwner(who)) return null;
  if (env.policy.approvers === 'named' && env.policy.approverIds.includes(who.actor.userId) && hasGroupRole(who.actor, who.groupId, 'developer')) return null;
  return env.policy.approvers === 'named' ? `Only owners and the named approvers may approve releases to ${env.name}` : `Only owners may approve releases to ${env.name}`;
}

/**
 * Whether the ref may be released here. `kind` is what the repository says the ref is; null when it is not known
 * (at claim time nothing asks the repository), and then only what the name itself shows is checked.
 */
export function refRefusal(env: Env, ref: string, kind: RefKind | null): string | null {
  const rule = env.policy.refPolicy;
  const wanted = wantedKind(rule);
  if (rule.kind === 'any' || !wanted) return null;
  const refused = `${env.name} accepts ${refRuleText(rule)}`;
  const known = kind ?? refKindByName(ref);
  if (known !== null && known !== wanted) return `${refused}; ${JSON.stringify(ref)} is a ${known}`;
  if (rule.pattern && !globMatches(rule.pattern, refName(ref))) return `${refused}; ${JSON.stringify(ref)} does not match`;
  return null;
}

/** Whether this person may replace the environment's rollout with their own. */
export function rolloutRefusal(env: Env, who: Who, custom: boolean): string | null {
  if (!custom || env.policy.customRollout === 'everyone' || isOwner(who)) return null;
  return `Only owners may choose a custom rollout for ${env.name}`;
}

/** The refusal of a release request, the one a person would fix first: who, then what ref, then how. */
export function releaseRefusal(env: Env, request: { who: Who; ref: string; refKind: RefKind | null; customRollout?: boolean }): { rule: 'releasers' | 'refPolicy' | 'customRollout'; message: string } | null {
  const releaser = releaserRefusal(env, request.who);
  if (releaser) return { rule: 'releasers', message: releaser };
  const ref = refRefusal(env, request.ref, request.refKind);
  if (ref) return { rule: 'refPolicy', message: ref };
  const rollout = rolloutRefusal(env, request.who, request.customRollout ?? false);
  if (rollout) return { rule: 'customRollout', message: rollout };
  return null;
}

/** Release windows at `at`: null when a release may start then (always, without windows). */
export function windowRefusal(env: { name: string; releaseWindows: Prisma.JsonValue; timezone: string }, at: Date): string | null {
  const windows = env.releaseWindows as unknown as ReleaseWindow[];
  if (windows.length === 0 || isInsideWindow(windows, env.timezone, at)) return null;
  return `Environment ${env.name} is outside its release windows (${env.timezone})`;
}

/** A refused rule as the API answers it: 403, the message naming the rule. */
export function enforce(refusal: string | { rule: string; message: string } | null, rule?: string): void {
  if (refusal === null) return;
  if (typeof refusal === 'string') throw new Forbidden(refusal, { rule });
  throw new Forbidden(refusal.message, { rule: refusal.rule });
}

/**
 * Windows on every path that queues a release (409, as they are a matter of time, not of rights): outside them only
 * an administrator who asks to override may go on. Answers whether the windows were overridden, for the audit entry
 * the claim later reads.
 */
export function enforceWindows(env: { name: string; releaseWindows: Prisma.JsonValue; timezone: string }, { actor, at, override }: { actor: Pick<Actor, 'isAdmin'>; at: Date; override?: boolean }): boolean {
  const refusal = windowRefusal(env, at);
  if (refusal && !(override && actor.isAdmin)) {
    throw new Conflict(override ? 'Only administrators may release outside the release windows' : refusal, { windows: env.releaseWindows, timezone: env.timezone });
  }
  return refusal !== null;
}
