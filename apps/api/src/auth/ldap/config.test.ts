import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config.js';

const ldap = (env: Record<string, string>) => loadConfig({ LDAP_URL: 'ldap://dir.example.com', LDAP_SEARCH_BASE: 'dc=example,dc=com', ...env }).ldap;

describe('LDAP configuration', () => {
  it('is off without LDAP_URL, with defaults otherwise', () => {
    expect(loadConfig({}).ldap).toBeNull();
    expect(ldap({})).toMatchObject({
      userFilter: '(uid={{username}})',
      disabledFilter: '(pwdAccountLockedTime=*)',
      groupFilter: undefined,
      groupSearchBase: 'dc=example,dc=com',
      startTls: false,
      tlsRejectUnauthorized: true,
      attributes: { username: 'uid', displayName: 'cn', email: 'mail' },
      groupMap: [],
      syncMinutes: 15,
    });
    expect(ldap({ LDAP_DISABLED_FILTER: '' })?.disabledFilter).toBeUndefined();
  });

  it.each([
    [{ LDAP_URL: 'http://dir.example.com' }, /ldap:\/\/ or ldaps:\/\//],
    [{ LDAP_SEARCH_BASE: '' }, /LDAP_SEARCH_BASE is required/],
    [{ LDAP_USER_FILTER: '(uid=alice)' }, /must contain \{\{username\}\}/],
    [{ LDAP_URL: 'ldaps://dir.example.com', LDAP_STARTTLS: 'true' }, /ldaps:\/\/ is TLS already/],
    [{ LDAP_STARTTLS: 'yes' }, /true or false/],
    [{ LDAP_BIND_DN: 'cn=reader,dc=example,dc=com' }, /LDAP_BIND_PASSWORD is required/],
    [{ LDAP_GROUP_MAP: 'cn=devs,dc=example,dc=com=payments:chief' }, /LDAP_GROUP_MAP: unknown role "chief"/],
    [{ LDAP_SYNC_MINUTES: '-1' }, /LDAP_SYNC_MINUTES/],
  ])('refuses %o', (env, message) => {
    expect(() => ldap(env)).toThrow(ConfigError);
    expect(() => ldap(env)).toThrow(message);
  });
});
