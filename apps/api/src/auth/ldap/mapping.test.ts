import { describe, expect, it } from 'vitest';
import { normalizeDn, parseGroupMap, resolveGrants } from './mapping.js';

const DEVS = 'cn=devs,ou=groups,dc=example,dc=com';
const LEADS = 'cn=leads,ou=groups,dc=example,dc=com';
const OPS = 'cn=ops,ou=groups,dc=example,dc=com';

describe('LDAP_GROUP_MAP', () => {
  it('reads the text form; the last "=" before the role separates the DN from the platform group', () => {
    expect(parseGroupMap(` ${DEVS}=pay:ments:developer ; ${OPS}=*:admin;`)).toEqual([
      { directoryGroup: DEVS, kind: 'member', group: 'pay:ments', role: 'developer' },
      { directoryGroup: OPS, kind: 'admin' },
    ]);
  });

  it('reads the JSON form', () => {
    const raw = JSON.stringify([{ ldapGroup: DEVS, group: 'a=b;c', role: 'viewer' }, { ldapGroup: OPS, admin: true }]);
    expect(parseGroupMap(raw)).toEqual([
      { directoryGroup: DEVS, kind: 'member', group: 'a=b;c', role: 'viewer' },
      { directoryGroup: OPS, kind: 'admin' },
    ]);
  });

  it.each([
    [`${DEVS}=payments:boss`, /unknown role "boss"/],
    [`${DEVS}=payments`, /is not <group DN>/],
    [`${DEVS}=payments:admin`, /admin rule names no platform group/],
    [`${DEVS}=*:owner`, /names no platform group/],
    ['devs:owner', /is not <group DN>/],
    ['[{"group":"x","role":"owner"}]', /needs "ldapGroup"/],
  ])('refuses %s', (raw, message) => {
    expect(() => parseGroupMap(raw)).toThrow(message);
  });

  it('compares DNs without case or spaces around separators', () => {
    expect(normalizeDn(' CN=Dev Team , OU=Groups,DC=x ')).toBe('cn=dev team,ou=groups,dc=x');
  });
});

describe('grants', () => {
  const rules = parseGroupMap(`${DEVS}=payments:developer;${LEADS}=payments:owner;${DEVS}=search:viewer;${OPS}=*:admin`);

  it('gives the highest role per platform group, and admin only to the admin group', () => {
    const grants = resolveGrants(rules, [DEVS.toUpperCase(), LEADS]);
    expect(Object.fromEntries(grants.roles)).toEqual({ payments: 'owner', search: 'viewer' });
    expect(grants.isAdmin).toBe(false);
    expect([...grants.managedGroups].sort()).toEqual(['payments', 'search']);
    expect(resolveGrants(rules, [OPS]).isAdmin).toBe(true);
  });

  it('leaves administrator rights alone when the map has no admin rule', () => {
    expect(resolveGrants(parseGroupMap(`${DEVS}=payments:developer`), [DEVS]).isAdmin).toBeUndefined();
    expect(resolveGrants([], []).roles.size).toBe(0);
  });
});
