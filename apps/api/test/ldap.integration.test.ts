import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDirectory, DirectoryUnavailable } from '../src/auth/ldap/client.js';
import { syncDirectoryUsers } from '../src/auth/ldap/sync.js';
import { loadConfig } from '../src/config.js';
import { startSlapd, type Slapd } from './helpers/slapd.js';
import { buildTestApp, type TestApp, type TestUser } from './helpers/test-app.js';

const BASE = 'dc=example,dc=test';
const PEOPLE = `ou=people,${BASE}`;
const GROUPS = `ou=groups,${BASE}`;
const SERVICE_DN = `cn=platform-reader,${BASE}`;
const SERVICE_PASSWORD = 'reader-Secret-42';
const dn = (uid: string) => `uid=${uid},${PEOPLE}`;
const group = (cn: string) => `cn=${cn},${GROUPS}`;
const passwordOf = (uid: string) => `${uid}-Directory-Pass-1`;

function person(uid: string, extra: Record<string, string> = {}) {
  return {
    dn: dn(uid),
    attributes: { objectClass: 'inetOrgPerson', uid, cn: `${uid[0]?.toUpperCase()}${uid.slice(1)} Example`, sn: 'Example', mail: `${uid}@example.test`, userPassword: passwordOf(uid), ...extra },
  };
}

/** Directory groups are groupOfNames; the map below turns them into roles in the platform group "team-ldap". */
const GROUP_MAP = [
  `${group('devs')}=team-ldap:developer`,
  `${group('leads')}=team-ldap:owner`,
  `${group('readers')}=archive-team:viewer`,
  `${group('platform-admins')}=*:admin`,
].join(';');

function ldapEnv(slapd: Slapd, extra: Record<string, string> = {}): Record<string, string> {
  return {
    LDAP_URL: slapd.url,
    LDAP_BIND_DN: SERVICE_DN,
    LDAP_BIND_PASSWORD: SERVICE_PASSWORD,
    LDAP_SEARCH_BASE: PEOPLE,
    LDAP_USER_FILTER: '(&(objectClass=inetOrgPerson)(uid={{username}}))',
    LDAP_DISABLED_FILTER: '(|(pwdAccountLockedTime=*)(employeeType=disabled))',
    LDAP_GROUP_FILTER: '(&(objectClass=groupOfNames)(member={{dn}}))',
    LDAP_GROUP_SEARCH_BASE: GROUPS,
    LDAP_GROUP_MAP: GROUP_MAP,
    LDAP_SYNC_MINUTES: '0',
    ...extra,
  };
}

describe('LDAP login against a real slapd', () => {
  let slapd: Slapd;
  let t: TestApp;
  let admin: TestUser;

  const login = (username: string, password: string) => t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
  const account = (username: string) => t.db.user.findUnique({ where: { username }, include: { memberships: { include: { group: true } } } });
  const roles = async (username: string) => Object.fromEntries((await account(username))?.memberships.map((m) => [m.group.name, m.role]) ?? []);

  beforeAll(async () => {
    slapd = await startSlapd({ suffix: BASE });
    await slapd.add([
      { dn: PEOPLE, attributes: { objectClass: 'organizationalUnit', ou: 'people' } },
      { dn: GROUPS, attributes: { objectClass: 'organizationalUnit', ou: 'groups' } },
      { dn: SERVICE_DN, attributes: { objectClass: ['organizationalRole', 'simpleSecurityObject'], cn: 'platform-reader', userPassword: SERVICE_PASSWORD } },
      ...['alice', 'bob', 'carol', 'dave', 'erin', 'frank'].map((uid) => person(uid)),
      { dn: group('devs'), attributes: { objectClass: 'groupOfNames', cn: 'devs', member: [dn('alice'), dn('dave'), dn('erin')] } },
      { dn: group('leads'), attributes: { objectClass: 'groupOfNames', cn: 'leads', member: dn('bob') } },
      { dn: group('platform-admins'), attributes: { objectClass: 'groupOfNames', cn: 'platform-admins', member: dn('bob') } },
      { dn: group('readers'), attributes: { objectClass: 'groupOfNames', cn: 'readers', member: dn('alice') } },
    ]);
    t = await buildTestApp(ldapEnv(slapd));
    await t.createGroup('team-ldap');
    admin = await t.createUser({ isAdmin: true });
  });
  afterAll(async () => {
    await t?.close();
    await slapd?.close();
  });

  it('creates the account of a directory user on first login, with the role the group map gives', async () => {
    const response = await login('alice', passwordOf('alice'));
    expect(response.statusCode).toBe(200);
    expect(response.json().user).toMatchObject({ username: 'alice', displayName: 'Alice Example', email: 'alice@example.test', isAdmin: false, source: 'ldap' });
    const row = await account('alice');
    expect(row).toMatchObject({ source: 'ldap', ldapDn: dn('alice') });
    // The map's "archive-team" does not exist on the platform: skipped, not created.
    expect(await roles('alice')).toEqual({ 'team-ldap': 'developer' });
    expect((await t.call(response.json().token, { method: 'GET', url: '/api/auth/me' })).statusCode).toBe(200);
    const created = await t.db.auditLog.findFirst({ where: { action: 'user.create', resourceId: row?.id } });
    expect(created?.details).toMatchObject({ source: 'ldap', memberships: { 'team-ldap': 'developer' } });
  });

  it('maps the admin group to platform administrator and keeps the highest role', async () => {
    const response = await login('bob', passwordOf('bob'));
    expect(response.statusCode).toBe(200);
    expect(response.json().user).toMatchObject({ username: 'bob', isAdmin: true });
    expect(await roles('bob')).toEqual({ 'team-ldap': 'owner' });
    expect((await t.call(response.json().token, { method: 'GET', url: '/api/users' })).statusCode).toBe(200);
  });

  it('a directory user in no mapped group logs in with no group and no rights', async () => {
    const response = await login('carol', passwordOf('carol'));
    expect(response.statusCode).toBe(200);
    expect(response.json().user).toMatchObject({ isAdmin: false, memberships: [] });
    expect((await t.call(response.json().token, { method: 'GET', url: '/api/users' })).statusCode).toBe(403);
  });

  it('refuses a wrong password like an unknown user, and never sends an empty one', async () => {
    const wrong = await login('alice', 'Not-Alices-Password-1');
    const unknown = await login('nobody-here', 'Not-Alices-Password-1');
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json().error.message).toBe(unknown.json().error.message);
    expect(await account('nobody-here')).toBeNull();
    expect((await login('alice', '')).statusCode).toBe(400);
    // Below the route's schema too: an empty password is an anonymous bind, which slapd would accept.
    expect(await t.app.directory?.authenticate('alice', '')).toEqual({ status: 'missing' });
    expect((await t.app.directory?.authenticate('alice', passwordOf('alice')))?.status).toBe('found');
  });

  it('escapes filter metacharacters in the username', async () => {
    for (const username of ['*', '*)(uid=*', 'al*', 'alice)(|(uid=*']) {
      const response = await login(username, passwordOf('alice'));
      expect(response.statusCode, username).toBe(401);
    }
    expect(await t.db.user.count({ where: { username: { contains: '*' } } })).toBe(0);
  });

  it('follows directory group changes at the next login', async () => {
    await slapd.replace(group('leads'), 'member', [dn('bob'), dn('alice')]);
    expect((await login('alice', passwordOf('alice'))).statusCode).toBe(200);
    expect(await roles('alice')).toEqual({ 'team-ldap': 'owner' });
    await slapd.replace(group('leads'), 'member', [dn('bob')]);
    await slapd.replace(group('devs'), 'member', [dn('dave'), dn('erin')]);
    expect((await login('alice', passwordOf('alice'))).statusCode).toBe(200);
    expect(await roles('alice')).toEqual({});
  });

  it('a directory user cannot change their password here, nor can an administrator set one', async () => {
    const token = (await login('carol', passwordOf('carol'))).json().token;
    const own = await t.call(token, { method: 'POST', url: '/api/auth/password', payload: { currentPassword: passwordOf('carol'), newPassword: 'Another-Pass-123' } });
    expect(own.statusCode).toBe(400);
    expect(own.json().error.message).toMatch(/directory \(LDAP\) account/);
    const carol = await account('carol');
    const reset = await t.call(admin.token, { method: 'PATCH', url: `/api/users/${carol?.id}`, payload: { password: 'Another-Pass-123' } });
    expect(reset.statusCode).toBe(400);
    expect(reset.json().error.details[0].field).toBe('password');
  });

  it('a local account with the same name as a directory user keeps its own password', async () => {
    await t.db.user.create({ data: { username: 'frank', displayName: 'Local Frank', passwordHash: await t.app.hasher.hash('Local-Frank-Pass-1') } });
    expect((await login('frank', passwordOf('frank'))).statusCode).toBe(401);
    expect((await login('frank', 'Local-Frank-Pass-1')).json().user).toMatchObject({ source: 'local', displayName: 'Local Frank' });
  });

  it('an account disabled in the directory is refused at login and disabled here, its sessions ended', async () => {
    const first = await login('dave', passwordOf('dave'));
    expect(first.statusCode).toBe(200);
    await slapd.replace(dn('dave'), 'employeeType', ['disabled']);
    const refused = await login('dave', passwordOf('dave'));
    expect(refused.statusCode).toBe(401);
    expect(await account('dave')).toMatchObject({ disabled: true });
    expect((await t.call(first.json().token, { method: 'GET', url: '/api/auth/me' })).statusCode).toBe(401);
    // Enabled again in the directory, the account stays disabled until an administrator enables it here.
    await slapd.replace(dn('dave'), 'employeeType', []);
    expect((await login('dave', passwordOf('dave'))).statusCode).toBe(401);
  });

  it('the sync disables users removed or disabled in the directory and ends their sessions; it leaves the others', async () => {
    const erin = await login('erin', passwordOf('erin'));
    const alice = await login('alice', passwordOf('alice'));
    const bob = await login('bob', passwordOf('bob'));
    await slapd.remove(dn('erin'));
    await slapd.replace(dn('bob'), 'employeeType', ['disabled']);
    await slapd.replace(group('devs'), 'member', [dn('alice'), dn('dave')]);

    const result = await syncDirectoryUsers({ db: t.db, directory: t.app.directory! });
    expect(result.disabled.sort()).toEqual(['bob', 'erin']);
    expect(await account('erin')).toMatchObject({ disabled: true });
    expect(await account('bob')).toMatchObject({ disabled: true });
    expect(await account('alice')).toMatchObject({ disabled: false });
    // The sync applies the group map too: alice is back in "devs".
    expect(await roles('alice')).toEqual({ 'team-ldap': 'developer' });
    expect((await t.call(erin.json().token, { method: 'GET', url: '/api/auth/me' })).statusCode).toBe(401);
    expect((await t.call(bob.json().token, { method: 'GET', url: '/api/auth/me' })).statusCode).toBe(401);
    expect((await t.call(alice.json().token, { method: 'GET', url: '/api/auth/me' })).statusCode).toBe(200);
    const audit = await t.db.auditLog.findFirst({ where: { action: 'user.update', actorName: 'ldap-sync', resourceId: (await account('erin'))?.id } });
    expect(audit?.details).toMatchObject({ changed: ['disabled'], directory: 'missing' });
    expect((await login('erin', passwordOf('erin'))).statusCode).toBe(401);
  });

  it('speaks TLS (ldaps:// and StartTLS) trusting LDAP_TLS_CA_FILE, and refuses a certificate it cannot verify', async () => {
    const directory = (extra: Record<string, string>) => createDirectory(loadConfig(ldapEnv(slapd, extra)).ldap!, { warn: () => undefined });
    const withCa = { LDAP_TLS_CA_FILE: slapd.caFile };
    expect((await directory({ LDAP_URL: slapd.ldapsUrl, ...withCa }).authenticate('alice', passwordOf('alice'))).status).toBe('found');
    expect((await directory({ LDAP_URL: slapd.ldapsUrl, ...withCa }).authenticate('alice', 'Not-Alices-Password-1')).status).toBe('wrong_password');
    expect((await directory({ LDAP_STARTTLS: 'true', ...withCa }).authenticate('alice', passwordOf('alice'))).status).toBe('found');
    await expect(directory({ LDAP_URL: slapd.ldapsUrl }).authenticate('alice', passwordOf('alice'))).rejects.toBeInstanceOf(DirectoryUnavailable);
    await expect(directory({ LDAP_STARTTLS: 'true' }).authenticate('alice', passwordOf('alice'))).rejects.toBeInstanceOf(DirectoryUnavailable);
    const insecure = directory({ LDAP_URL: slapd.ldapsUrl, LDAP_TLS_REJECT_UNAUTHORIZED: 'false' });
    expect((await insecure.authenticate('alice', passwordOf('alice'))).status).toBe('found');
  });

  it('reads memberOf when no group filter is set', async () => {
    const memberOf = await buildTestApp(ldapEnv(slapd, { LDAP_GROUP_FILTER: '' }));
    try {
      await memberOf.createGroup('team-ldap');
      const response = await memberOf.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'alice', password: passwordOf('alice') } });
      expect(response.statusCode).toBe(200);
      expect(response.json().user.memberships).toMatchObject([{ groupName: 'team-ldap', role: 'developer' }]);
    } finally {
      await memberOf.close();
    }
  });

  it('with the directory down, local accounts still log in, directory users get a clear 503, and the sync disables nobody', async () => {
    await slapd.stop();
    expect((await login(admin.username, admin.password)).statusCode).toBe(200);
    for (const username of ['alice', 'someone-new']) {
      const response = await login(username, passwordOf(username));
      expect(response.statusCode, username).toBe(503);
      expect(response.json().error).toMatchObject({ code: 'DIRECTORY_UNAVAILABLE' });
      expect(response.json().error.message).toMatch(/LDAP/);
    }
    await expect(syncDirectoryUsers({ db: t.db, directory: t.app.directory! })).rejects.toThrow();
    expect(await account('alice')).toMatchObject({ disabled: false });
  });
});
