import { createSampleAppRepo } from '@rp/deploy-engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { environmentVariables } from '../src/environments/service.js';
import { buildTestApp, type TestApp, type TestUser } from './helpers/test-app.js';

describe('environments', () => {
  let t: TestApp;
  let admin: TestUser;
  let owner: TestUser;
  let viewer: TestUser;
  let groupId: string;
  let projectId: string;
  const serverIds: string[] = [];

  beforeAll(async () => {
    t = await buildTestApp();
    admin = await t.createUser({ isAdmin: true });
    groupId = (await t.createGroup()).id;
    owner = await t.createUser({ groupId, role: 'owner' });
    viewer = await t.createUser({ groupId, role: 'viewer' });
    const key = await t.call(owner.token, { method: 'POST', url: '/api/credentials', payload: { groupId, name: 'key', kind: 'ssh_key', generate: true } });
    for (const name of ['web2', 'web1']) {
      const server = await t.call(owner.token, { method: 'POST', url: '/api/servers', payload: { groupId, name, host: `${name}.example`, username: 'deploy', credentialId: key.json().id } });
      serverIds.push(server.json().id);
    }
    const project = await t.call(owner.token, { method: 'POST', url: '/api/projects', payload: { groupId, name: 'shop', gitUrl: 'https://git.example.com/shop.git', preset: 'nodejs' } });
    projectId = project.json().id;
  });
  afterAll(async () => t?.close());

  const create = (payload: object) => t.call(owner.token, { method: 'POST', url: `/api/projects/${projectId}/environments`, payload });
  const errorOf = async (payload: object) => {
    const response = await create({ name: `e${Math.random().toString(36).slice(2, 8)}`, deployPath: '/srv/shop', ...payload });
    expect(response.statusCode).toBe(400);
    return response.json().error.message as string;
  };

  it('creates an environment with defaults, servers, masked secret variables and windows', async () => {
    const response = await create({
      name: 'prod',
      deployPath: '/srv/shop/',
      serverIds,
      variables: [
        { key: 'PORT', value: '3000' },
        { key: 'DB_PASSWORD', value: 'S3cr3t-Db-Pass!', secret: true },
      ],
      requireApproval: true,
      releaseWindows: [{ days: [1, 2, 3, 4], start: '10:00', end: '17:00' }],
      timezone: 'Asia/Shanghai',
    });
    expect(response.statusCode).toBe(201);
    const env = response.json();
    expect(env).toMatchObject({
      name: 'prod',
      deployPath: '/srv/shop',
      requireApproval: true,
      timezone: 'Asia/Shanghai',
      variables: [
        { key: 'PORT', value: '3000', secret: false },
        { key: 'DB_PASSWORD', value: '******', secret: true },
      ],
      rollout: { strategy: 'parallel', concurrency: 5, batches: [], betweenBatches: { mode: 'manual' }, failure: { tolerate: 0 }, autoRollback: true },
    });
    expect(env.servers.map((s: { name: string }) => s.name)).toEqual(['web1', 'web2']);
    expect(response.body).not.toContain('S3cr3t');

    const row = await t.db.environment.findUniqueOrThrow({ where: { id: env.id } });
    expect(JSON.stringify(row.variables)).not.toContain('S3cr3t');
    expect(environmentVariables(t.app.secrets, row.variables)).toEqual({ PORT: '3000', DB_PASSWORD: 'S3cr3t-Db-Pass!' });

    const project = await t.call(viewer.token, { method: 'GET', url: `/api/projects/${projectId}` });
    expect(project.json().environmentCount).toBe(1);
    expect((await create({ name: 'prod', deployPath: '/srv/x' })).statusCode).toBe(409);
  });

  it('keeps a secret when it comes back masked or without a value, replaces it when given, and audits keys only', async () => {
    const env = (await create({ name: 'staging', deployPath: '/srv/staging', variables: [{ key: 'TOKEN', value: 'first-token-value', secret: true }] })).json();
    const patch = (variables: object[]) => t.call(owner.token, { method: 'PATCH', url: `/api/environments/${env.id}`, payload: { variables } });

    expect((await patch([{ key: 'TOKEN', value: '******', secret: true }, { key: 'MODE', value: 'x' }])).statusCode).toBe(200);
    const readBack = async () => environmentVariables(t.app.secrets, (await t.db.environment.findUniqueOrThrow({ where: { id: env.id } })).variables);
    expect(await readBack()).toEqual({ TOKEN: 'first-token-value', MODE: 'x' });
    expect((await patch([{ key: 'TOKEN', secret: true }])).statusCode).toBe(200);
    expect(await readBack()).toEqual({ TOKEN: 'first-token-value' });
    await patch([{ key: 'TOKEN', value: 'second-token-value', secret: true }]);
    expect(await readBack()).toEqual({ TOKEN: 'second-token-value' });

    const missing = await patch([{ key: 'NEW_SECRET', secret: true }]);
    expect(missing.json().error.message).toBe('body.variables.0.value: is required for a new secret variable');
    expect((await patch([{ key: 'A', value: '1' }, { key: 'A', value: '2' }])).json().error.message).toMatch(/appears twice/);

    const trail = await t.call(admin.token, { method: 'GET', url: `/api/audit?resourceType=environment&resourceId=${env.id}` });
    expect(trail.body).not.toContain('token-value');
    expect(trail.json().items[0].details).toEqual({ name: 'staging', changes: { variables: { keys: { TOKEN: { from: '***', to: '***', secret: true } } } } });
  });

  it('validates deploy paths, variable keys, servers, rollout, windows and time zones', async () => {
    expect(await errorOf({ deployPath: 'srv/shop' })).toMatch(/body.deployPath/);
    expect(await errorOf({ deployPath: '/srv/../etc' })).toMatch(/^body.deployPath: must not contain/);
    expect(await errorOf({ deployPath: '/srv/shop;rm -rf /' })).toMatch(/body.deployPath/);
    expect(await errorOf({ deployPath: '/srv/$(id)' })).toMatch(/body.deployPath/);
    expect(await errorOf({ deployPath: '//' })).toMatch(/body.deployPath/);
    expect(await errorOf({ name: 'prod\n' })).toMatch(/body.name/);
    expect(await errorOf({ variables: [{ key: 'lower', value: 'x' }] })).toMatch(/body.variables.0.key/);
    expect(await errorOf({ variables: [{ key: '1ABC', value: 'x' }] })).toMatch(/body.variables.0.key/);
    expect(await errorOf({ variables: [{ key: 'A' }] })).toMatch(/body.variables.0.value: is required/);
    const otherGroup = await t.createGroup();
    const foreignKey = await t.db.credential.create({ data: { groupId: otherGroup.id, name: 'k', kind: 'ssh_key', secret: t.app.secrets.encrypt('x') } });
    const foreign = await t.db.server.create({ data: { groupId: otherGroup.id, name: 'theirs', host: 'h', username: 'u', credentialId: foreignKey.id } });
    expect(await errorOf({ serverIds: [serverIds[0], foreign.id] })).toBe(`body.serverIds: not servers of the project's group: ${foreign.id}`);
    expect(await errorOf({ rollout: { strategy: 'batches' } })).toMatch(/rollout.batches: is required/);
    expect(await errorOf({ rollout: { strategy: 'parallel', batches: [1] } })).toMatch(/only applies/);
    expect(await errorOf({ rollout: { strategy: 'batches', batches: ['101%'] } })).toMatch(/rollout/);
    expect(await errorOf({ rollout: { strategy: 'rolling' } })).toMatch(/rollout/);
    expect(await errorOf({ releaseWindows: [{ days: [7], start: '10:00', end: '11:00' }] })).toMatch(/releaseWindows/);
    expect(await errorOf({ releaseWindows: [{ days: [1], start: '25:00', end: '11:00' }] })).toMatch(/releaseWindows/);
    expect(await errorOf({ releaseWindows: [{ days: [1], start: '10:00', end: '10:00' }] })).toMatch(/must differ/);
    expect(await errorOf({ timezone: 'Mars/Olympus' })).toMatch(/not a known time zone/);

    const batches = await create({
      name: 'gray',
      deployPath: '/srv/gray',
      rollout: { strategy: 'batches', batches: [1, '25%', '100%'], betweenBatches: { mode: 'auto', seconds: 30 }, failure: { tolerate: 1 }, autoRollback: false },
    });
    expect(batches.json().rollout).toEqual({
      strategy: 'batches',
      concurrency: 5,
      batches: [1, '25%', '100%'],
      betweenBatches: { mode: 'auto', seconds: 30 },
      failure: { tolerate: 1 },
      autoRollback: false,
    });
  });

  it('takes offline and online scripts and a drain time, returns them and audits the scripts before and after', async () => {
    const created = await create({ name: 'lb', deployPath: '/srv/lb' });
    expect(created.json()).toMatchObject({ offlineScript: '', onlineScript: '', drainSeconds: 0 });

    const offline = `curl -fsS -X POST "http://lb.internal/out/$(hostname)"\n${'#'.repeat(300)}`;
    const patched = await t.call(owner.token, {
      method: 'PATCH',
      url: `/api/environments/${created.json().id}`,
      payload: { offlineScript: offline, onlineScript: 'lb-in "$(hostname)"', drainSeconds: 3600 },
    });
    expect(patched.statusCode).toBe(200);
    const read = await t.call(viewer.token, { method: 'GET', url: `/api/environments/${created.json().id}` });
    expect(read.json()).toMatchObject({ offlineScript: offline, onlineScript: 'lb-in "$(hostname)"', drainSeconds: 3600 });

    const trail = await t.call(admin.token, { method: 'GET', url: `/api/audit?resourceType=environment&resourceId=${created.json().id}` });
    expect(trail.json().items[0].details).toEqual({
      name: 'lb',
      changes: { offlineScript: { from: '', to: offline }, onlineScript: { from: '', to: 'lb-in "$(hostname)"' }, drainSeconds: { from: 0, to: 3600 } },
    });

    // Without an online script, every host a release takes out would stay out: refused, and nothing changes.
    const orphaned = await t.call(owner.token, { method: 'PATCH', url: `/api/environments/${created.json().id}`, payload: { onlineScript: '  ', drainSeconds: 5 } });
    expect(orphaned.statusCode).toBe(400);
    expect(orphaned.json().error.message).toMatch(/^onlineScript: is required when offlineScript is set/);
    expect((await t.call(viewer.token, { method: 'GET', url: `/api/environments/${created.json().id}` })).json()).toMatchObject({ onlineScript: 'lb-in "$(hostname)"', drainSeconds: 3600 });
    const offlineOnly = await create({ name: 'lb-half', deployPath: '/srv/lb-half', offlineScript: 'lb-out' });
    expect(offlineOnly.statusCode).toBe(400);
    expect(offlineOnly.json().error.message).toMatch(/^onlineScript/);

    const cleared = await t.call(owner.token, { method: 'PATCH', url: `/api/environments/${created.json().id}`, payload: { offlineScript: '', drainSeconds: 0 } });
    expect(cleared.json()).toMatchObject({ offlineScript: '', onlineScript: 'lb-in "$(hostname)"', drainSeconds: 0 });
  });

  it('refuses scripts over 64 KiB or with NUL and drain times outside 0–3600 s, naming the field', async () => {
    expect(await errorOf({ offlineScript: 'x'.repeat(64 * 1024 + 1) })).toMatch(/^body.offlineScript/);
    expect(await errorOf({ onlineScript: 'lb-in\u0000' })).toMatch(/^body.onlineScript/);
    expect(await errorOf({ drainSeconds: 3601 })).toMatch(/^body.drainSeconds/);
    expect(await errorOf({ drainSeconds: -1 })).toMatch(/^body.drainSeconds/);
    expect(await errorOf({ drainSeconds: 1.5 })).toMatch(/^body.drainSeconds/);
    const env = (await create({ name: 'lb-limits', deployPath: '/srv/lb-limits', offlineScript: 'x'.repeat(64 * 1024), onlineScript: 'lb-in', drainSeconds: 3600 })).json();
    expect(env.offlineScript).toHaveLength(64 * 1024);
    const patch = await t.call(owner.token, { method: 'PATCH', url: `/api/environments/${env.id}`, payload: { drainSeconds: 4000 } });
    expect(patch.statusCode).toBe(400);
    expect(patch.json().error.message).toMatch(/^body.drainSeconds/);
  });

  it('puts the scripts into the release plan: the dry run lists offline, the drain and online around the switch', async () => {
    const repo = createSampleAppRepo();
    try {
      const project = await t.db.project.create({ data: { groupId, name: 'lb-app', gitUrl: repo.url, preset: 'shell', restartCommand: 'bin/restart.sh' } });
      const env = await t.call(owner.token, {
        method: 'POST',
        url: `/api/projects/${project.id}/environments`,
        payload: { name: 'live', deployPath: '/srv/lb-app', serverIds: [serverIds[0]], offlineScript: 'lb-out', onlineScript: 'lb-in', drainSeconds: 15 },
      });
      const res = await t.call(owner.token, { method: 'POST', url: '/api/releases/dry-run', payload: { environmentId: env.json().id, ref: 'main' } });
      expect(res.statusCode).toBe(200);
      const commands: { stage: string; command: string; stdin?: string }[] = res.json().targets[0].commands;
      const traffic = commands.filter((c) => ['offline', 'release', 'online'].includes(c.stage)).map((c) => `${c.stage}: ${c.stdin ?? c.command.split('\n')[0]}`);
      expect(traffic[0]).toBe('offline: offline script');
      expect(traffic).toContain('offline: # drain: wait 15 s before the switch');
      expect(traffic.at(-1)).toBe('online: online script');
      expect(traffic.findIndex((c) => c.startsWith('release'))).toBeGreaterThan(traffic.indexOf('offline: # drain: wait 15 s before the switch'));
      expect(commands.some((c) => c.command.includes('lb-out') || c.command.includes('lb-in'))).toBe(false);
    } finally {
      repo.remove();
    }
  });

  it('reports the window status in the environment\'s time zone', async () => {
    const always = (await create({ name: 'dev', deployPath: '/srv/dev' })).json();
    const open = await t.call(viewer.token, { method: 'GET', url: `/api/environments/${always.id}/window-status` });
    expect(open.json()).toMatchObject({ inside: true, restricted: false, timezone: 'UTC', windows: [] });

    const never = (await create({ name: 'frozen', deployPath: '/srv/frozen', timezone: 'Asia/Shanghai', releaseWindows: [{ days: [0], start: '00:00', end: '00:01' }] })).json();
    const closed = await t.call(viewer.token, { method: 'GET', url: `/api/environments/${never.id}/window-status` });
    const body = closed.json();
    expect(body).toMatchObject({ restricted: true, timezone: 'Asia/Shanghai' });
    expect(body.localTime).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d (Mon|Tue|Wed|Thu|Fri|Sat|Sun)$/);
    expect(body.inside).toBe(body.localTime.endsWith('Sun') && body.localTime.includes(' 00:00 '));
  });

  it('replaces servers, refuses to delete a server in use, lists with search and pagination', async () => {
    const env = (await create({ name: 'qa', deployPath: '/srv/qa', serverIds })).json();
    const patched = await t.call(owner.token, { method: 'PATCH', url: `/api/environments/${env.id}`, payload: { serverIds: [serverIds[0]] } });
    expect(patched.json().servers.map((s: { id: string }) => s.id)).toEqual([serverIds[0]]);
    const inUse = await t.call(owner.token, { method: 'DELETE', url: `/api/servers/${serverIds[0]}` });
    expect(inUse.statusCode).toBe(409);
    expect(inUse.json().error.message).toMatch(/used by environment/);

    const list = await t.call(viewer.token, { method: 'GET', url: `/api/projects/${projectId}/environments?pageSize=2&page=1` });
    expect(list.json()).toMatchObject({ page: 1, pageSize: 2 });
    expect(list.json().total).toBeGreaterThanOrEqual(6);
    expect(list.json().items).toHaveLength(2);
    expect(list.body).not.toContain('token-value');
    const searched = await t.call(viewer.token, { method: 'GET', url: `/api/projects/${projectId}/environments?q=PRO` });
    expect(searched.json().items.map((e: { name: string }) => e.name)).toEqual(['prod']);

    expect((await t.call(owner.token, { method: 'DELETE', url: `/api/environments/${env.id}` })).statusCode).toBe(204);
    expect((await t.call(admin.token, { method: 'GET', url: `/api/environments/${env.id}` })).statusCode).toBe(404);
  });
});
