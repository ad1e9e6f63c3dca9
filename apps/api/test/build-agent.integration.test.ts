import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { startSshHosts, type SshHosts } from '@rp/deploy-engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from './helpers/test-app.js';
import { releaseFixture, waitForState, type ReleaseFixture } from './helpers/release-fixture.js';

/** A project that names a build agent builds there over SSH; the platform host only checks out and packs. */
describe('builds on a build agent', () => {
  let t: TestApp;
  let f: ReleaseFixture;
  let agentHosts: SshHosts;
  let agentId: string;
  const agentHome = () => path.join(agentHosts.hosts[0]!.dir, 'home');

  beforeAll(async () => {
    t = await buildTestApp({ WORKER_ENABLED: 'true', WORKER_HEARTBEAT_SECONDS: '1' });
    f = await releaseFixture(t, { hosts: 1, requireApproval: false });
    agentHosts = await startSshHosts(1);
    const h = agentHosts.hosts[0]!;
    const key = await t.call(f.owner.token, { method: 'POST', url: '/api/credentials', payload: { groupId: f.groupId, name: 'agent-key', kind: 'ssh_key', privateKey: h.privateKey } });
    const agent = await t.call(f.owner.token, {
      method: 'POST',
      url: '/api/servers',
      payload: { groupId: f.groupId, name: 'builder-1', host: h.host, port: h.port, username: h.username, credentialId: key.json().id, hostKeyFingerprint: h.hostKeyFingerprint, buildAgent: true },
    });
    expect(agent.statusCode, agent.body).toBe(201);
    expect(agent.json().buildAgent).toBe(true);
    agentId = agent.json().id;
  });
  afterAll(async () => {
    await t?.close();
    await f?.cleanup();
    await agentHosts?.stopAll();
  });

  const patchProject = (payload: object) => t.call(f.owner.token, { method: 'PATCH', url: `/api/projects/${f.projectId}`, payload });

  it('keeps agents and targets apart, and agents in use in place', async () => {
    const asTarget = await t.call(f.owner.token, { method: 'PATCH', url: `/api/environments/${f.environmentId}`, payload: { serverIds: [...f.serverIds, agentId] } });
    expect(asTarget.statusCode).toBe(400);
    expect(asTarget.json().error.message).toContain('build agents are never release targets: builder-1');

    const notAnAgent = await patchProject({ buildAgentId: f.serverIds[0] });
    expect(notAnAgent.statusCode).toBe(400);
    expect(notAnAgent.json().error.message).toContain('must be a server marked as a build agent');
    const targetToAgent = await t.call(f.owner.token, { method: 'PATCH', url: `/api/servers/${f.serverIds[0]}`, payload: { buildAgent: true } });
    expect(targetToAgent.statusCode).toBe(409);

    const chosen = await patchProject({ buildAgentId: agentId });
    expect(chosen.statusCode, chosen.body).toBe(200);
    expect(chosen.json().buildAgentId).toBe(agentId);
    expect((await t.call(f.owner.token, { method: 'DELETE', url: `/api/servers/${agentId}` })).statusCode).toBe(409);
    expect((await t.call(f.owner.token, { method: 'PATCH', url: `/api/servers/${agentId}`, payload: { buildAgent: false } })).statusCode).toBe(409);
  });

  it('runs the build on the agent, ships what it built, and leaves no build directory behind', async () => {
    const patched = await patchProject({ buildAgentId: agentId, buildCommand: 'printf "%s\\n" "$COMMIT" > REVISION; pwd > BUILT_IN; echo "built on the agent"' });
    expect(patched.statusCode, patched.body).toBe(200);
    const created = await t.call(f.owner.token, { method: 'POST', url: '/api/releases', payload: { environmentId: f.environmentId, ref: 'main' } });
    expect(created.statusCode, created.body).toBe(201);
    const done = await waitForState(t, f.owner.token, created.json().id, ['succeeded', 'failed', 'aborted', 'interrupted']);
    expect(done.state, JSON.stringify(done)).toBe('succeeded');

    const releaseDir = path.join(f.hosts.hosts[0]!.deployRoot, 'app/releases', done.id);
    expect(readFileSync(path.join(releaseDir, 'REVISION'), 'utf8').trim()).toBe(f.repo.commits.at(-1));
    expect(readFileSync(path.join(releaseDir, 'BUILT_IN'), 'utf8').trim()).toBe(path.join(agentHome(), '.rp-build', f.projectId, 'builds', done.id));
    expect(existsSync(path.join(agentHome(), '.rp-build', f.projectId, 'builds', done.id))).toBe(false);
    const log = (await t.call(f.owner.token, { method: 'GET', url: `/api/releases/${done.id}/logs.txt` })).body;
    expect(log).toContain('built on the agent');
  });
});
