import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReleaseState } from '../src/generated/prisma/enums.js';
import { buildTestApp, type TestApp, type TestUser } from './helpers/test-app.js';

const rand = () => Math.random().toString(36).slice(2, 10);
/** As the service stores it: the environment view serialises every field. */
const ROLLOUT = { strategy: 'parallel', concurrency: 5, batches: [], betweenBatches: { mode: 'manual' }, failure: { tolerate: 0 }, autoRollback: true };

describe('history is never lost: archive instead of delete', () => {
  let t: TestApp;
  let admin: TestUser;
  beforeAll(async () => {
    t = await buildTestApp();
    admin = await t.createUser({ isAdmin: true });
  });
  afterAll(async () => t?.close());

  /** A group with an owner, a project, an environment and (optionally) one release with a log line. */
  async function setup(state?: ReleaseState) {
    const group = await t.createGroup();
    const owner = await t.createUser({ groupId: group.id, role: 'owner' });
    const project = await t.db.project.create({ data: { groupId: group.id, name: `p-${rand()}`, gitUrl: 'file:///nonexistent', preset: 'shell' } });
    const environment = await t.db.environment.create({ data: { projectId: project.id, name: 'prod', deployPath: '/srv/app', rollout: ROLLOUT } });
    const release = state
      ? await t.db.release.create({
          data: { projectId: project.id, environmentId: environment.id, state, ref: 'main', commit: 'a'.repeat(40), rollout: { strategy: 'parallel' }, createdById: owner.id },
        })
      : null;
    if (release) await t.db.releaseEvent.create({ data: { releaseId: release.id, seq: 1, at: new Date(), type: 'log', stream: 'stdout', text: 'built it' } });
    return { group, owner, project, environment, release };
  }

  const as = (user: TestUser, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) => t.call(user.token, { method, url, ...(payload ? { payload } : {}) });

  it('deletes outright what no release points at', async () => {
    const { owner, project, environment } = await setup();
    expect((await as(owner, 'DELETE', `/api/environments/${environment.id}`)).statusCode).toBe(204);
    expect(await t.db.environment.findUnique({ where: { id: environment.id } })).toBeNull();
    expect((await as(owner, 'DELETE', `/api/projects/${project.id}`)).statusCode).toBe(204);
    expect(await t.db.project.findUnique({ where: { id: project.id } })).toBeNull();
    const audit = await t.db.auditLog.findMany({ where: { resourceId: { in: [project.id, environment.id] } }, orderBy: { id: 'asc' } });
    expect(audit.map((a) => a.action)).toEqual(['environment.delete', 'project.delete']);
  });

  it('archives a project with releases: hidden from lists, readable by id, its releases and logs still there', async () => {
    const { owner, project, environment, release } = await setup('succeeded');
    expect((await as(owner, 'DELETE', `/api/projects/${project.id}`)).statusCode).toBe(204);

    const row = await t.db.project.findUnique({ where: { id: project.id } });
    expect(row?.archivedAt).toBeInstanceOf(Date);
    const listed = (archived?: string) => as(owner, 'GET', `/api/projects?pageSize=200${archived ? `&archived=${archived}` : ''}`).then((r) => r.json().items.map((p: { id: string }) => p.id));
    expect(await listed()).not.toContain(project.id);
    expect(await listed('true')).toContain(project.id);
    expect(await listed('only')).toEqual([project.id]);

    const read = await as(owner, 'GET', `/api/projects/${project.id}`);
    expect(read.statusCode).toBe(200);
    expect(read.json().archivedAt).toBe(row?.archivedAt?.toISOString());
    // The environment is archived through its project: readable, stamped, read-only.
    expect((await as(owner, 'GET', `/api/environments/${environment.id}`)).json().archivedAt).toBe(row?.archivedAt?.toISOString());

    expect((await as(owner, 'GET', `/api/releases/${release!.id}`)).statusCode).toBe(200);
    const logs = await as(owner, 'GET', `/api/releases/${release!.id}/logs`);
    expect(logs.json().events.map((e: { text: string }) => e.text)).toEqual(['built it']);
    expect((await t.db.auditLog.findFirst({ where: { resourceId: project.id } }))?.action).toBe('project.archive');
  });

  it('refuses every write on an archived item and under it, with 409 ARCHIVED', async () => {
    const { group, owner, project, environment, release } = await setup('failed');
    expect((await as(owner, 'DELETE', `/api/environments/${environment.id}`)).statusCode).toBe(204);
    const writes = [
      await as(owner, 'PATCH', `/api/environments/${environment.id}`, { requireApproval: true }),
      await as(owner, 'POST', '/api/releases', { environmentId: environment.id, ref: 'main' }),
      await as(owner, 'POST', `/api/releases/${release!.id}/retry`),
      await as(owner, 'POST', `/api/environments/${environment.id}/trigger-token`, { defaultRef: 'main' }),
      await as(owner, 'DELETE', `/api/environments/${environment.id}`),
    ];
    for (const response of writes) {
      expect(response.statusCode, response.body).toBe(409);
      expect(response.json().error.code).toBe('ARCHIVED');
    }
    // The project is still live: only the environment is archived.
    expect((await as(owner, 'PATCH', `/api/projects/${project.id}`, { description: 'still live' })).statusCode).toBe(200);

    expect((await as(admin, 'DELETE', `/api/groups/${group.id}`)).statusCode).toBe(204);
    for (const response of [
      await as(owner, 'PATCH', `/api/projects/${project.id}`, { description: 'x' }),
      await as(owner, 'POST', `/api/projects/${project.id}/environments`, { name: 'staging', deployPath: '/srv/staging' }),
      await as(owner, 'POST', '/api/projects', { groupId: group.id, name: 'new-one', gitUrl: 'https://git.example.com/a.git', preset: 'shell' }),
      await as(admin, 'PATCH', `/api/groups/${group.id}`, { description: 'x' }),
      await as(owner, 'POST', '/api/credentials', { groupId: group.id, name: 'late-token', kind: 'git_token', token: 'glpat-0123456789abcdef' }),
      await as(owner, 'POST', '/api/hook-templates', { groupId: group.id, name: 'late-hook', script: 'echo hi' }),
      await as(owner, 'POST', '/api/servers', { groupId: group.id, name: 'late-web', host: '10.0.0.9', username: 'deploy', credentialId: group.id }),
    ]) {
      expect(response.statusCode, response.body).toBe(409);
      expect(response.json().error.message).toMatch(/is archived/);
    }
    expect((await as(admin, 'GET', '/api/groups?pageSize=200')).json().items.map((g: { id: string }) => g.id)).not.toContain(group.id);
    expect((await as(admin, 'GET', '/api/groups?pageSize=200&archived=only')).json().items.map((g: { id: string }) => g.id)).toContain(group.id);
  });

  it.each(['queued', 'running', 'pending_approval'] as const)('refuses to archive or purge while a release is %s', async (state) => {
    const { owner, project, environment, group } = await setup(state);
    for (const response of [
      await as(owner, 'DELETE', `/api/environments/${environment.id}`),
      await as(owner, 'DELETE', `/api/projects/${project.id}`),
      await as(admin, 'DELETE', `/api/groups/${group.id}`),
      await as(admin, 'POST', `/api/environments/${environment.id}/purge`),
    ]) {
      expect(response.statusCode).toBe(409);
      expect(response.json().error.message).toMatch(/queued or running/);
    }
    expect((await t.db.environment.findUnique({ where: { id: environment.id } }))?.archivedAt).toBeNull();
  });

  it('unarchive and purge are for administrators; purge removes the history but keeps the audit log', async () => {
    const { owner, project, release } = await setup('succeeded');
    expect((await as(owner, 'DELETE', `/api/projects/${project.id}`)).statusCode).toBe(204);
    expect((await as(owner, 'POST', `/api/projects/${project.id}/unarchive`)).statusCode).toBe(403);
    expect((await as(owner, 'POST', `/api/projects/${project.id}/purge`)).statusCode).toBe(403);

    expect((await as(admin, 'POST', `/api/projects/${project.id}/unarchive`)).statusCode).toBe(204);
    expect((await t.db.project.findUnique({ where: { id: project.id } }))?.archivedAt).toBeNull();
    expect((await as(admin, 'POST', `/api/projects/${project.id}/unarchive`)).statusCode).toBe(409);
    expect((await as(owner, 'PATCH', `/api/projects/${project.id}`, { description: 'back' })).statusCode).toBe(200);

    expect((await as(admin, 'POST', `/api/projects/${project.id}/purge`)).statusCode).toBe(204);
    expect(await t.db.project.findUnique({ where: { id: project.id } })).toBeNull();
    expect(await t.db.release.findUnique({ where: { id: release!.id } })).toBeNull();
    const trail = await as(admin, 'GET', `/api/audit?resourceId=${project.id}&pageSize=50`);
    expect(trail.json().items.map((a: { action: string }) => a.action)).toEqual(['project.purge', 'project.update', 'project.unarchive', 'project.archive']);
  });

  it('purging a group takes its servers, projects, releases and their targets with it', async () => {
    const { group, owner, project, environment } = await setup();
    const credential = await t.db.credential.create({ data: { groupId: group.id, name: 'key', kind: 'ssh_key', secret: t.app.secrets.encrypt('k'), publicKey: 'ssh-ed25519 AAAA', fingerprint: 'SHA256:x' } });
    const server = await t.db.server.create({ data: { groupId: group.id, name: 'web-1', host: '127.0.0.1', port: 1, username: 'deploy', credentialId: credential.id } });
    await t.db.release.create({
      data: {
        projectId: project.id,
        environmentId: environment.id,
        state: 'succeeded',
        ref: 'main',
        commit: 'b'.repeat(40),
        rollout: { strategy: 'parallel' },
        createdById: owner.id,
        targets: { create: [{ serverId: server.id, state: 'succeeded' }] },
      },
    });
    expect((await as(admin, 'DELETE', `/api/groups/${group.id}`)).statusCode).toBe(204);
    expect((await t.db.group.findUnique({ where: { id: group.id } }))?.archivedAt).toBeInstanceOf(Date);
    expect((await as(admin, 'POST', `/api/groups/${group.id}/purge`)).statusCode).toBe(204);
    expect(await t.db.group.findUnique({ where: { id: group.id } })).toBeNull();
    expect(await t.db.server.findUnique({ where: { id: server.id } })).toBeNull();
    expect((await t.db.auditLog.findMany({ where: { resourceId: group.id }, orderBy: { id: 'asc' } })).map((a) => a.action)).toEqual(['group.archive', 'group.purge']);
  });

  it('a project cannot be unarchived while its group is archived', async () => {
    const { group, owner, project } = await setup('succeeded');
    expect((await as(owner, 'DELETE', `/api/projects/${project.id}`)).statusCode).toBe(204);
    expect((await as(admin, 'DELETE', `/api/groups/${group.id}`)).statusCode).toBe(204);
    const refused = await as(admin, 'POST', `/api/projects/${project.id}/unarchive`);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.message).toContain(`Unarchive group "${group.name}" first`);
    expect((await as(admin, 'POST', `/api/groups/${group.id}/unarchive`)).statusCode).toBe(204);
    expect((await as(admin, 'POST', `/api/projects/${project.id}/unarchive`)).statusCode).toBe(204);
  });
});
