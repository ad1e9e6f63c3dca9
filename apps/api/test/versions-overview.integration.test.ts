import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp, type TestUser } from './helpers/test-app.js';

const at = (hour: number, minute = 0) => new Date(Date.UTC(2026, 10, 23, hour, minute));
const sha = (c: string) => c.repeat(40);

interface Host {
  serverName: string;
  recorded: { releaseId: string; number: number | null; ref: string; commit: string; switchedAt: string | null } | null;
}
interface Env {
  id: string;
  name: string;
  current: { id: string; number: number | null; ref: string; at: string | null } | null;
  servers: Host[];
  mixed: boolean;
}
interface Project {
  id: string;
  name: string;
  group: { id: string; name: string };
  environments: Env[];
}

/**
 * `GET /api/versions/overview`: per project, every live environment's current release and each host's recorded one.
 * Releases, targets and switch events are written directly, as finished runs leave them.
 */
describe('the versions overview', () => {
  let t: TestApp;
  let developer: TestUser;
  let admin: TestUser;
  let groupId: string;
  let otherGroupId: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await buildTestApp();
    const group = await t.createGroup();
    const other = await t.createGroup();
    groupId = group.id;
    otherGroupId = other.id;
    developer = await t.createUser({ groupId, role: 'developer' });
    admin = await t.createUser({ isAdmin: true });
    const credential = await t.db.credential.create({
      data: { groupId, name: 'key', kind: 'ssh_key', secret: t.app.secrets.encrypt('not a usable key'), publicKey: 'ssh-ed25519 AAAA', fingerprint: 'SHA256:x' },
    });
    const server = async (name: string) => (await t.db.server.create({ data: { groupId, name, host: `${name}.internal`, port: 22, username: 'deploy', credentialId: credential.id } })).id;
    for (const name of ['web-02', 'web-01', 'web-03', 'stage-01', 'new-01']) ids[name] = await server(name);

    const shop = await t.db.project.create({ data: { groupId, name: 'shop', gitUrl: 'file:///nowhere.git', preset: 'shell' } });
    ids.shop = shop.id;
    const environment = (name: string, servers: string[], extra: object = {}) =>
      t.db.environment.create({ data: { projectId: shop.id, name, deployPath: `/srv/${name}`, rollout: { strategy: 'parallel' }, servers: { create: servers.map((serverId) => ({ serverId })) }, ...extra } });
    const prod = await environment('prod', [ids['web-01']!, ids['web-02']!, ids['web-03']!]);
    const staging = await environment('staging', [ids['stage-01']!]);
    const canary = await environment('canary', [ids['new-01']!]);
    await environment('old', [], { archivedAt: at(1) });
    Object.assign(ids, { prod: prod.id, staging: staging.id, canary: canary.id });

    const release = async (environmentId: string, number: number, ref: string, commit: string, finishedAt: Date, targets: { serverId: string; state?: 'succeeded' | 'failed'; current?: string | null }[], extra: object = {}) => {
      const created = await t.db.release.create({
        data: {
          projectId: shop.id,
          environmentId,
          number,
          state: 'succeeded',
          ref,
          commit: sha(commit),
          rollout: { strategy: 'parallel' },
          createdById: developer.id,
          finishedAt,
          ...extra,
          targets: { create: targets.map(({ serverId, state }) => ({ serverId, state: state ?? 'succeeded', finishedAt })) },
        },
      });
      for (const target of targets) {
        if (target.current !== undefined) await t.db.releaseTarget.update({ where: { releaseId_serverId: { releaseId: created.id, serverId: target.serverId } }, data: { current: target.current } });
      }
      return created.id;
    };

    // prod: v1.1.0 everywhere, then v1.2.0 reached web-01 and web-02 but failed on web-03, which stays on v1.1.0.
    const prodHosts = [ids['web-01']!, ids['web-02']!, ids['web-03']!];
    ids.v1 = await release(prod.id, 1, 'v1.1.0', 'a', at(9), prodHosts.map((serverId) => ({ serverId })));
    ids.v2 = await release(prod.id, 2, 'v1.2.0', 'b', at(10, 30), [{ serverId: ids['web-01']! }, { serverId: ids['web-02']! }, { serverId: ids['web-03']!, state: 'failed' }]);
    await t.db.release.update({ where: { id: ids.v2 }, data: { targets: { updateMany: { where: { state: 'succeeded' }, data: { current: ids.v2 } } } } });
    await t.db.releaseEvent.create({ data: { releaseId: ids.v2, seq: 1, at: at(10, 5), type: 'stage.finished', stage: 'switch', target: ids['web-01']!, data: { status: 'succeeded' } } });

    // staging: v1.2.0, then a rollback to v1.1.0 whose target reported no `current`.
    ids.s1 = await release(staging.id, 3, 'v1.1.0', 'a', at(11), [{ serverId: ids['stage-01']! }]);
    await release(staging.id, 4, 'v1.2.0', 'b', at(12), [{ serverId: ids['stage-01']! }]);
    await release(staging.id, 5, 'v1.1.0', 'a', at(13), [{ serverId: ids['stage-01']! }], { kind: 'rollback', rollbackToId: ids.s1 });

    ids.other = (await t.db.project.create({ data: { groupId: otherGroupId, name: 'secret-shop', gitUrl: 'file:///nowhere.git', preset: 'shell' } })).id;
    await t.db.project.create({ data: { groupId, name: 'billing', gitUrl: 'file:///nowhere.git', preset: 'shell' } });
  });

  afterAll(async () => {
    await t?.close();
  });

  const get = async (user: TestUser, query = '') => {
    const response = await t.call(user.token, { method: 'GET', url: `/api/versions/overview${query}` });
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as { items: Project[]; total: number; page: number; pageSize: number };
  };
  const shopOf = async (user: TestUser) => (await get(user, '?q=SHO')).items.find((p) => p.name === 'shop')!;

  it('shows a host left on an older version than its neighbours and flags the environment mixed', async () => {
    const prod = (await shopOf(developer)).environments.find((e) => e.name === 'prod')!;
    expect(prod.mixed).toBe(true);
    expect(prod.current).toMatchObject({ id: ids.v2, number: 2, ref: 'v1.2.0', at: at(10, 30).toISOString() });
    expect(prod.servers.map((s) => [s.serverName, s.recorded?.ref, s.recorded?.number, s.recorded?.switchedAt])).toEqual([
      ['web-01', 'v1.2.0', 2, at(10, 5).toISOString()],
      ['web-02', 'v1.2.0', 2, at(10, 30).toISOString()],
      ['web-03', 'v1.1.0', 1, at(9).toISOString()],
    ]);
  });

  it('shows the version a rollback went back to, on the environment and on its host', async () => {
    const staging = (await shopOf(developer)).environments.find((e) => e.name === 'staging')!;
    expect(staging.current).toMatchObject({ id: ids.s1, number: 3, ref: 'v1.1.0', at: at(13).toISOString() });
    expect(staging.servers).toEqual([
      { serverId: ids['stage-01'], serverName: 'stage-01', host: 'stage-01.internal', recorded: { releaseId: ids.s1, number: 3, ref: 'v1.1.0', commit: sha('a'), switchedAt: at(13).toISOString() } },
    ]);
    expect(staging.mixed).toBe(false);
  });

  it('lists live environments by name, with never-deployed ones empty, and leaves archived ones out', async () => {
    const shop = await shopOf(developer);
    expect(shop.group).toEqual({ id: groupId, name: expect.any(String) });
    expect(shop.environments.map((e) => e.name)).toEqual(['canary', 'prod', 'staging']);
    expect(shop.environments[0]).toMatchObject({ current: null, mixed: false, servers: [{ serverName: 'new-01', recorded: null }] });
  });

  it("does not show a developer another group's project, and shows an administrator all of them", async () => {
    const mine = await get(developer);
    expect(mine.items.map((p) => p.name)).toEqual(['billing', 'shop']);
    expect(mine.total).toBe(2);
    expect((await get(developer, `?projectId=${ids.other}`)).items).toEqual([]);
    expect((await get(developer, `?groupId=${otherGroupId}`)).total).toBe(0);
    expect((await get(admin)).items.map((p) => p.name)).toEqual(['billing', 'secret-shop', 'shop']);
  });

  it('pages by project and filters by group, project and name', async () => {
    const second = await get(admin, '?page=2&pageSize=1');
    expect(second).toMatchObject({ total: 3, page: 2, pageSize: 1 });
    expect(second.items.map((p) => p.name)).toEqual(['secret-shop']);
    expect((await get(admin, `?groupId=${otherGroupId}`)).items.map((p) => p.name)).toEqual(['secret-shop']);
    expect((await get(admin, `?projectId=${ids.shop}`)).items.map((p) => p.id)).toEqual([ids.shop]);
    expect((await get(admin, '?q=BILL')).items.map((p) => p.name)).toEqual(['billing']);
  });

  it('refuses a bad query with a 400 naming the field', async () => {
    for (const [query, field] of [['?pageSize=0', 'pageSize'], ['?projectId=nope', 'projectId'], ['?q=a%00b', 'q'], ['?page=x', 'page']] as const) {
      const response = await t.call(developer.token, { method: 'GET', url: `/api/versions/overview${query}` });
      expect(response.statusCode, query).toBe(400);
      expect(response.json().error.details[0], query).toMatchObject({ location: 'querystring', field });
    }
    expect((await t.call(developer.token, { method: 'GET', url: '/api/versions/overview?extra=1' })).statusCode).toBe(400);
  });
});
