import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp, type TestUser } from './helpers/test-app.js';

describe('users, groups and the audit trail', () => {
  let t: TestApp;
  let admin: TestUser;
  beforeAll(async () => {
    t = await buildTestApp();
    admin = await t.createUser({ isAdmin: true });
  });
  afterAll(async () => t?.close());

  it('creates, updates and deletes a user, each step audited with who and from where', async () => {
    const created = await t.call(admin.token, {
      method: 'POST',
      url: '/api/users',
      payload: { username: 'li.lei', displayName: '李雷', email: 'li.lei@example.com', password: 'initial-pass-1' },
      headers: { 'x-forwarded-for': '10.9.9.9' },
    });
    expect(created.statusCode).toBe(201);
    const user = created.json();
    expect(user).toMatchObject({ username: 'li.lei', displayName: '李雷', isAdmin: false, disabled: false });
    expect(created.body).not.toContain('passwordHash');
    expect((await t.login('li.lei', 'initial-pass-1')).length).toBeGreaterThan(20);

    const duplicate = await t.call(admin.token, { method: 'POST', url: '/api/users', payload: { username: 'li.lei', password: 'another-pass' } });
    expect(duplicate.statusCode).toBe(409);

    const updated = await t.call(admin.token, { method: 'PATCH', url: `/api/users/${user.id}`, payload: { password: 'reset-pass-22', disabled: true } });
    expect(updated.json().disabled).toBe(true);
    await expect(t.login('li.lei', 'reset-pass-22')).rejects.toThrow();

    expect((await t.call(admin.token, { method: 'DELETE', url: `/api/users/${user.id}` })).statusCode).toBe(204);
    expect((await t.call(admin.token, { method: 'GET', url: `/api/users/${user.id}` })).statusCode).toBe(404);

    const trail = await t.call(admin.token, { method: 'GET', url: `/api/audit?resourceType=user&resourceId=${user.id}` });
    const actions = trail.json().items.map((i: { action: string }) => i.action);
    expect(actions).toEqual(['user.delete', 'user.update', 'user.create']);
    const entry = trail.json().items[2];
    expect(entry).toMatchObject({ actorId: admin.id, actorName: admin.username, ip: '127.0.0.1' });
    expect(JSON.stringify(trail.json())).not.toContain('reset-pass-22');
  });

  it('refuses to delete a user the release history names, and says to disable the account instead', async () => {
    const group = await t.createGroup();
    const dev = await t.createUser({ groupId: group.id, role: 'developer' });
    const project = await t.db.project.create({ data: { groupId: group.id, name: 'history', gitUrl: 'file:///x', preset: 'shell' } });
    const environment = await t.db.environment.create({ data: { projectId: project.id, name: 'prod', deployPath: '/srv/h', rollout: { strategy: 'parallel' } } });
    await t.db.release.create({
      data: { projectId: project.id, environmentId: environment.id, state: 'succeeded', ref: 'main', commit: 'a'.repeat(40), rollout: { strategy: 'parallel' }, createdById: dev.id },
    });
    const refused = await t.call(admin.token, { method: 'DELETE', url: `/api/users/${dev.id}` });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.message).toContain('disable the account instead');
    expect((await t.call(admin.token, { method: 'GET', url: `/api/users/${dev.id}` })).statusCode).toBe(200);
  });

  it('nobody can disable themselves, and two administrators demoting each other at once leave one administrator', async () => {
    const self = await t.call(admin.token, { method: 'PATCH', url: `/api/users/${admin.id}`, payload: { disabled: true } });
    expect(self.statusCode).toBe(400);
    expect(self.json().error.details[0].field).toBe('disabled');

    const isolated = await buildTestApp();
    try {
      const a = await isolated.createUser({ isAdmin: true });
      const b = await isolated.createUser({ isAdmin: true });
      const [ab, ba] = await Promise.all([
        isolated.call(a.token, { method: 'PATCH', url: `/api/users/${b.id}`, payload: { isAdmin: false } }),
        isolated.call(b.token, { method: 'PATCH', url: `/api/users/${a.id}`, payload: { isAdmin: false } }),
      ]);
      expect([ab.statusCode, ba.statusCode].sort()).toEqual([200, 409]);
      expect(await isolated.db.user.count({ where: { isAdmin: true } })).toBe(1);
    } finally {
      await isolated.close();
    }
  });

  it('groups: members hold roles, owners manage, a group keeps one owner, non-members do not see it', async () => {
    const owner = await t.createUser();
    const dev = await t.createUser();
    const stranger = await t.createUser();
    const group = (await t.call(admin.token, { method: 'POST', url: '/api/groups', payload: { name: '支付组', description: 'payments' } })).json();
    expect((await t.call(admin.token, { method: 'POST', url: '/api/groups', payload: { name: '支付组' } })).statusCode).toBe(409);
    await t.call(admin.token, { method: 'PUT', url: `/api/groups/${group.id}/members/${owner.id}`, payload: { role: 'owner' } });
    const ownerToken = await t.login(owner.username, owner.password);
    const added = await t.call(ownerToken, { method: 'PUT', url: `/api/groups/${group.id}/members/${dev.id}`, payload: { role: 'developer' } });
    expect(added.json()).toMatchObject({ username: dev.username, role: 'developer' });

    const devToken = await t.login(dev.username, dev.password);
    const mine = await t.call(devToken, { method: 'GET', url: '/api/groups' });
    expect(mine.json().items).toEqual([expect.objectContaining({ id: group.id, myRole: 'developer', memberCount: 2 })]);
    const theirs = await t.call(stranger.token, { method: 'GET', url: '/api/groups' });
    expect(theirs.json().items.map((g: { id: string }) => g.id)).not.toContain(group.id);

    const lastOwner = await t.call(ownerToken, { method: 'DELETE', url: `/api/groups/${group.id}/members/${owner.id}` });
    expect(lastOwner.statusCode).toBe(409);
    const members = await t.call(devToken, { method: 'GET', url: `/api/groups/${group.id}/members` });
    expect(members.json().total).toBe(2);

    const actions = (await t.call(admin.token, { method: 'GET', url: `/api/audit?resourceType=group&resourceId=${group.id}` })).json().items.map((i: { action: string }) => i.action);
    expect(actions).toEqual(['group.member_add', 'group.member_add', 'group.create']);
  });

  it('audit log filters and paginates', async () => {
    for (let i = 0; i < 5; i++) {
      await t.call(admin.token, { method: 'POST', url: '/api/groups', payload: { name: `paged-${i}` } });
    }
    const page1 = (await t.call(admin.token, { method: 'GET', url: `/api/audit?action=group.create&actor=${admin.username}&pageSize=2&page=1` })).json();
    const page2 = (await t.call(admin.token, { method: 'GET', url: `/api/audit?action=group.create&actor=${admin.username}&pageSize=2&page=2` })).json();
    expect(page1.total).toBeGreaterThanOrEqual(5);
    expect(page1.items).toHaveLength(2);
    expect(page1.items[0].id).not.toBe(page2.items[0].id);
    expect(Number(page1.items[1].id)).toBeGreaterThan(Number(page2.items[0].id));
    const future = (await t.call(admin.token, { method: 'GET', url: `/api/audit?from=${new Date(Date.now() + 3600_000).toISOString()}` })).json();
    expect(future.total).toBe(0);
    const failures = (await t.call(admin.token, { method: 'GET', url: '/api/audit?success=false' })).json();
    expect(failures.items.every((i: { success: boolean }) => i.success === false)).toBe(true);
  });

  it('audit entries name their resource as it is called now; a deleted one keeps only its id', async () => {
    const group = (await t.call(admin.token, { method: 'POST', url: '/api/groups', payload: { name: 'named-before' } })).json();
    await t.call(admin.token, { method: 'PATCH', url: `/api/groups/${group.id}`, payload: { name: 'named-after' } });
    const entries = (await t.call(admin.token, { method: 'GET', url: `/api/audit?resourceId=${group.id}` })).json().items;
    expect(entries.map((e: { action: string; resourceName: string | null }) => [e.action, e.resourceName])).toEqual([
      ['group.update', 'named-after'],
      ['group.create', 'named-after'],
    ]);
    const user = await t.createUser();
    await t.call(admin.token, { method: 'DELETE', url: `/api/users/${user.id}` });
    const gone = (await t.call(admin.token, { method: 'GET', url: `/api/audit?resourceId=${user.id}` })).json().items;
    expect(gone.length).toBeGreaterThan(0);
    expect(gone.every((e: { resourceName: string | null }) => e.resourceName === null)).toBe(true);
  });
});
