import { GROUP_ROLES, type GroupRole } from '@rp/contract/rules';

/** One line of LDAP_GROUP_MAP: members of a directory group get a role in a platform group, or become administrators. */
export type GroupRule = { directoryGroup: string } & ({ kind: 'member'; group: string; role: GroupRole } | { kind: 'admin' });

/** What the directory grants one user, and which parts of the user the directory manages at all. */
export interface Grants {
  /** Managed only when the map has an admin rule; otherwise administrators are made on the platform. */
  isAdmin: boolean | undefined;
  /** Role per platform group name, for the groups the user's directory groups map to. */
  roles: Map<string, GroupRole>;
  /** Every platform group the map names: memberships there follow the directory, the others are left alone. */
  managedGroups: Set<string>;
}

/**
 * DNs compare case-insensitively and without the spaces allowed around separators (`CN=Ops, DC=x` is `cn=ops,dc=x`).
 * Escaped separators are kept as they are: both sides come from the same directory and escape alike.
 */
export function normalizeDn(dn: string): string {
  return dn
    .trim()
    .replace(/\s*([,=+])\s*/g, '$1')
    .toLowerCase();
}

function rule(directoryGroup: string, target: string, role: string): GroupRule {
  const dn = normalizeDn(directoryGroup);
  if (!dn.includes('=')) throw new Error(`"${directoryGroup}" is not a DN`);
  if (role === 'admin') {
    if (target !== '*') throw new Error(`an admin rule names no platform group: write "${directoryGroup}=*:admin"`);
    return { directoryGroup: dn, kind: 'admin' };
  }
  if (!(GROUP_ROLES as readonly string[]).includes(role)) throw new Error(`unknown role "${role}" (${GROUP_ROLES.join(', ')} or admin)`);
  if (!target || target === '*') throw new Error(`the rule for "${directoryGroup}" names no platform group`);
  return { directoryGroup: dn, kind: 'member', group: target, role: role as GroupRole };
}

interface JsonRule {
  ldapGroup?: unknown;
  group?: unknown;
  role?: unknown;
  admin?: unknown;
}

function fromJson(raw: string): GroupRule[] {
  const parsed: unknown = JSON.parse(raw);
  if (!Array.isArray(parsed)) throw new Error('the JSON form is an array of {"ldapGroup", "group", "role"} or {"ldapGroup", "admin": true}');
  return parsed.map((item: JsonRule) => {
    if (typeof item?.ldapGroup !== 'string') throw new Error('every rule needs "ldapGroup", the directory group\'s DN');
    if (item.admin === true) return rule(item.ldapGroup, '*', 'admin');
    return rule(item.ldapGroup, typeof item.group === 'string' ? item.group : '', typeof item.role === 'string' ? item.role : '');
  });
}

/** `<group DN>=<platform group>:<role>` pairs split by `;`; the DN's own `=` signs are why the last one separates. */
function fromText(raw: string): GroupRule[] {
  return raw
    .split(';')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const colon = part.lastIndexOf(':');
      const equals = part.lastIndexOf('=', colon);
      if (colon < 0 || equals < 0) throw new Error(`"${part}" is not <group DN>=<platform group>:<role>`);
      return rule(part.slice(0, equals), part.slice(equals + 1, colon).trim(), part.slice(colon + 1).trim());
    });
}

/** Parses LDAP_GROUP_MAP, in its JSON or its text form; throws an Error naming the bad rule. */
export function parseGroupMap(raw: string | undefined): GroupRule[] {
  if (!raw?.trim()) return [];
  return raw.trim().startsWith('[') ? fromJson(raw) : fromText(raw);
}

const RANK: Record<GroupRole, number> = { viewer: 1, developer: 2, owner: 3 };

/** The grants of a user who is a member of `memberOf` (directory group DNs); several rules for one group keep the highest role. */
export function resolveGrants(rules: GroupRule[], memberOf: string[]): Grants {
  const groups = new Set(memberOf.map(normalizeDn));
  const roles = new Map<string, GroupRole>();
  let isAdmin: boolean | undefined;
  for (const r of rules) {
    const member = groups.has(r.directoryGroup);
    if (r.kind === 'admin') {
      isAdmin = (isAdmin ?? false) || member;
      continue;
    }
    const current = roles.get(r.group);
    if (member && (!current || RANK[r.role] > RANK[current])) roles.set(r.group, r.role);
  }
  const managedGroups = new Set(rules.flatMap((r) => (r.kind === 'member' ? [r.group] : [])));
  return { isAdmin, roles, managedGroups };
}
