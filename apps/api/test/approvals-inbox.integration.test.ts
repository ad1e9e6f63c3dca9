import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp, type TestUser } from './helpers/test-app.js';

/**
 * `GET /api/releases?awaitingMe=true` feeds 待我审批 (the approvals page's default filter and the menu's badge): it must
 * list exactly the waiting releases the caller could approve, named approvers who are developers included.
 */
describe('the approvals inbox', () => {
  let t: TestApp;
  let admin: TestUser;
  let owner: TestUser;
  let named: TestUser;
  let developer: TestUser;
  let creator: TestUser;
  let outsider: TestUser;
  const release: Record<string, string> = {};

  beforeAll(async () => {
    t = await buildTestApp();
    const group = await t.createGroup();
    const other = await t.createGroup();
    admin = await t.createUser({ isAdmin: true });
    owner = await t.createUser({ groupId: group.id, role: 'owner' });
    named = await t.createUser({ groupId: group.id, role: 'developer' });
    developer = await t.createUser({ groupId: group.id, role: 'developer' });
    creator = await t.createUser({ groupId: group.id, role: 'developer' });
    outsider = await t.createUser({ groupId: other.id, role: 'owner' });
    const project = await t.db.project.create({ data: { groupId: group.id, name: 'shop', gitUrl: 'file:///nowhere.git', preset: 'shell' } });
    const environment = (name: string, policy: object) =>
      t.db.environment.create({ data: { projectId: project.id, name, deployPath: '/srv/app', rollout: { strategy: 'parallel', concurrency: 2 }, policy } });
    const prod = await environment('prod', { approvers: 'named', approverIds: [named.id] });
    const staging = await environment('staging', {});
    const seed = async (key: string, environmentId: string, by: TestUser, state: 'pending_approval' | 'succeeded' = 'pending_approval') => {
      const row = await t.db.release.create({
        data: {
          projectId: project.id,
          environmentId,
          state,
          ref: 'main',
          commit: randomBytes(20).toString('hex'),
          rollout: { strategy: 'parallel', concurrency: 2 },
          createdById: by.id,
          artifact: { path: '/data/artifacts/x.tar.gz', sha256: 'ab', size: 1 },
        },
      });
      release[key] = row.id;
    };
    await seed('prodByCreator', prod.id, creator);
    await seed('stagingByCreator', staging.id, creator);
    await seed('prodByNamed', prod.id, named);
    await seed('prodByOwner', prod.id, owner);
    await seed('prodDone', prod.id, creator, 'succeeded');
  });
  afterAll(async () => t?.close());

  const inbox = async (user: TestUser) => {
    const response = await t.call(user.token, { method: 'GET', url: '/api/releases?awaitingMe=true&pageSize=100' });
    expect(response.statusCode, response.body).toBe(200);
    const page = response.json() as { items: { id: string }[]; total: number };
    expect(page.total).toBe(page.items.length);
    return page.items.map((r) => r.id).sort();
  };
  const ids = (...keys: string[]) => keys.map((k) => release[k]!).sort();

  it('lists for each person the waiting releases of others they may approve', async () => {
    expect(await inbox(owner)).toEqual(ids('prodByCreator', 'stagingByCreator', 'prodByNamed'));
    expect(await inbox(named)).toEqual(ids('prodByCreator', 'prodByOwner'));
    expect(await inbox(developer)).toEqual([]);
    expect(await inbox(creator)).toEqual([]);
    expect(await inbox(outsider)).toEqual([]);
    expect(await inbox(admin)).toEqual(ids('prodByCreator', 'stagingByCreator', 'prodByNamed', 'prodByOwner'));
  });

  it('agrees with what approving allows', async () => {
    const approve = (user: TestUser, key: string) => t.call(user.token, { method: 'POST', url: `/api/releases/${release[key]}/approve`, payload: {} });
    expect((await approve(named, 'stagingByCreator')).statusCode).toBe(403);
    expect((await approve(named, 'prodByNamed')).statusCode).toBe(403);
    const approved = await approve(named, 'prodByCreator');
    expect(approved.statusCode, approved.body).toBe(200);
    expect(await inbox(named)).toEqual(ids('prodByOwner'));
  });

  it('refuses a value that is not a boolean', async () => {
    const response = await t.call(owner.token, { method: 'GET', url: '/api/releases?awaitingMe=perhaps' });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.details[0]?.field).toMatch(/awaitingMe/);
  });
});
