import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureAdmin } from '../src/bootstrap/admin.js';
import { buildTestApp, type TestApp, type TestUser } from './helpers/test-app.js';

const THRESHOLD = 3;

describe('per-account lockout after failed logins', () => {
  let t: TestApp;
  let admin: TestUser;
  beforeAll(async () => {
    t = await buildTestApp({ LOGIN_LOCKOUT_THRESHOLD: String(THRESHOLD), LOGIN_LOCKOUT_MINUTES: '15' });
    admin = await t.createUser({ isAdmin: true });
  });
  afterAll(async () => t?.close());

  const login = (username: string, password: string) => t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
  const attempts = async (username: string, password: string, n: number) => {
    const statuses: number[] = [];
    for (let i = 0; i < n; i++) statuses.push((await login(username, password)).statusCode);
    return statuses;
  };

  it('locks the account at the threshold and then refuses even the right password, saying until when', async () => {
    const user = await t.createUser();
    expect(await attempts(user.username, 'Wrong-Password-1', THRESHOLD)).toEqual([401, 401, 423]);
    const row = await t.db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row.lockedUntil!.getTime() - Date.now()).toBeGreaterThan(14 * 60_000);

    const right = await login(user.username, user.password);
    const wrong = await login(user.username, 'Wrong-Password-1');
    expect([right.statusCode, wrong.statusCode]).toEqual([423, 423]);
    // The same answer with the right and a wrong password: the lock is no oracle.
    expect(right.json()).toEqual(wrong.json());
    expect(right.json().error).toMatchObject({ code: 'ACCOUNT_LOCKED', details: { lockedUntil: row.lockedUntil!.toISOString() } });
    expect(right.json().error.message).toContain(`locked until ${row.lockedUntil!.toISOString()}`);
    const audit = await t.db.auditLog.findFirst({ where: { action: 'auth.login', actorId: user.id, success: false }, orderBy: { id: 'desc' } });
    expect(audit?.details).toMatchObject({ reason: 'locked' });
  });

  it('a successful login resets the count', async () => {
    const user = await t.createUser();
    expect(await attempts(user.username, 'Wrong-Password-1', THRESHOLD - 1)).toEqual([401, 401]);
    expect((await login(user.username, user.password)).statusCode).toBe(200);
    expect(await t.db.user.findUniqueOrThrow({ where: { id: user.id } })).toMatchObject({ failedLogins: 0, lockedUntil: null });
    expect(await attempts(user.username, 'Wrong-Password-1', THRESHOLD - 1)).toEqual([401, 401]);
    expect((await login(user.username, user.password)).statusCode).toBe(200);
  });

  it('an unknown username answers exactly like an existing account, lock included', async () => {
    const user = await t.createUser();
    const known = [];
    const unknown = [];
    for (let i = 0; i <= THRESHOLD; i++) {
      known.push(await login(user.username, 'Wrong-Password-1'));
      unknown.push(await login('no-such-user-here', 'Wrong-Password-1'));
    }
    expect(unknown.map((r) => r.statusCode)).toEqual(known.map((r) => r.statusCode));
    expect(unknown.map((r) => r.json().error.code)).toEqual(known.map((r) => r.json().error.code));
    expect(unknown[0]?.json().error.message).toBe(known[0]?.json().error.message);
  });

  it('a lock that has run out lets the right password in', async () => {
    const user = await t.createUser();
    await attempts(user.username, 'Wrong-Password-1', THRESHOLD);
    await t.db.user.update({ where: { id: user.id }, data: { lockedUntil: new Date(Date.now() - 1000) } });
    expect((await login(user.username, user.password)).statusCode).toBe(200);
  });

  it('an administrator unlocks an account; the user list shows the lock until then', async () => {
    const user = await t.createUser();
    await attempts(user.username, 'Wrong-Password-1', THRESHOLD);
    const listed = await t.call(admin.token, { method: 'GET', url: `/api/users/${user.id}` });
    expect(listed.json()).toMatchObject({ source: 'local', lockedUntil: expect.any(String) });

    const other = await t.createUser();
    expect((await t.call(other.token, { method: 'POST', url: `/api/users/${user.id}/unlock` })).statusCode).toBe(403);
    const unlocked = await t.call(admin.token, { method: 'POST', url: `/api/users/${user.id}/unlock` });
    expect(unlocked.statusCode).toBe(200);
    expect(unlocked.json()).toMatchObject({ lockedUntil: null, failedLogins: 0 });
    expect(await t.db.auditLog.findFirst({ where: { action: 'user.unlock', resourceId: user.id, actorId: admin.id } })).not.toBeNull();
    expect((await login(user.username, user.password)).statusCode).toBe(200);
  });

  it("an administrator's password reset ends the lock too", async () => {
    const user = await t.createUser();
    await attempts(user.username, 'Wrong-Password-1', THRESHOLD);
    expect((await t.call(admin.token, { method: 'PATCH', url: `/api/users/${user.id}`, payload: { password: 'Fresh-Pass-2049' } })).statusCode).toBe(200);
    expect((await login(user.username, 'Fresh-Pass-2049')).statusCode).toBe(200);
  });

  it('counts nothing for a disabled account', async () => {
    const user = await t.createUser({ disabled: true });
    expect(await attempts(user.username, user.password, THRESHOLD + 1)).toEqual([401, 401, 401, 401]);
    expect(await t.db.user.findUniqueOrThrow({ where: { id: user.id } })).toMatchObject({ failedLogins: 0, lockedUntil: null });
  });
});

describe('password policy', () => {
  let t: TestApp;
  let admin: TestUser;
  beforeAll(async () => {
    t = await buildTestApp();
    admin = await t.createUser({ isAdmin: true });
  });
  afterAll(async () => t?.close());

  const weak = [
    ['eight spaces', '        '],
    ['ten spaces', '          '],
    ['one class', 'abcdefghijkl'],
    ['too short', 'Ab1-short'],
  ];

  it.each(weak)('refuses %s on user creation, naming the field and the rule', async (_name, password) => {
    const response = await t.call(admin.token, { method: 'POST', url: '/api/users', payload: { username: 'weak-user', password } });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.message).toMatch(/password/);
  });

  it('refuses a password containing the username, on creation, reset and self change', async () => {
    const created = await t.call(admin.token, { method: 'POST', url: '/api/users', payload: { username: 'marta', password: 'i-am-MARTA-99' } });
    expect(created.statusCode).toBe(400);
    expect(created.json().error).toMatchObject({ code: 'VALIDATION', details: [{ field: 'password' }] });
    expect(created.json().error.message).toMatch(/rule: username/);

    const user = await t.createUser();
    const reset = await t.call(admin.token, { method: 'PATCH', url: `/api/users/${user.id}`, payload: { password: `${user.username}-X1` } });
    expect(reset.statusCode).toBe(400);
    expect(reset.json().error.details[0].field).toBe('password');
    const classes = await t.call(admin.token, { method: 'PATCH', url: `/api/users/${user.id}`, payload: { password: '1234567890123' } });
    expect(classes.json().error.message).toMatch(/rule: classes/);

    const own = await t.call(user.token, { method: 'POST', url: '/api/auth/password', payload: { currentPassword: user.password, newPassword: '          ' } });
    expect(own.statusCode).toBe(400);
    expect(own.json().error.details[0].field).toBe('newPassword');
    expect((await t.call(user.token, { method: 'POST', url: '/api/auth/password', payload: { currentPassword: user.password, newPassword: 'Kettle-Drum-2049' } })).statusCode).toBe(204);
  });

  it('refuses a weak ADMIN_PASSWORD at first start and takes a compliant one', async () => {
    const empty = await buildTestApp();
    try {
      const log = { info: () => undefined, warn: () => undefined } as never;
      await expect(ensureAdmin({ db: empty.db, hasher: empty.app.hasher, log }, { password: 'adminadmin' })).rejects.toThrow(/ADMIN_PASSWORD .*rule: classes/);
      expect(await empty.db.user.count()).toBe(0);
      await expect(ensureAdmin({ db: empty.db, hasher: empty.app.hasher, log }, { password: 'Admin-Pass-2049' })).rejects.toThrow(/rule: username/);
      await ensureAdmin({ db: empty.db, hasher: empty.app.hasher, log }, { password: 'Chosen-Pass-2049' });
      expect((await empty.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'admin', password: 'Chosen-Pass-2049' } })).statusCode).toBe(200);
    } finally {
      await empty.close();
    }
  });
});
