import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createSampleAppRepo, freePort, readHost, startSshHosts, type HostState, type SampleAppRepo, type SshHosts } from '@rp/deploy-engine/testing';
import { expect } from 'vitest';
import type { TestApp, TestUser } from './test-app.js';

export interface ReleaseFixture {
  hosts: SshHosts;
  repo: SampleAppRepo;
  owner: TestUser;
  developer: TestUser;
  groupId: string;
  projectId: string;
  environmentId: string;
  serverIds: string[];
  /** What each server's deploy path holds, read straight from its files. */
  host(i: number): HostState;
  cleanup(): Promise<void>;
}

export interface FixtureOptions {
  hosts: number;
  requireApproval?: boolean;
  rollout?: Record<string, unknown>;
}

/**
 * A group with an owner and a developer, real sshd hosts, the sample app's repository, and a project + environment
 * registered through the HTTP API exactly as an operator would. Every host serves the same deploy path from its
 * own directory (a mount namespace per sshd), and the app's port lives in each host's shared/port file.
 */
export async function releaseFixture(t: TestApp, options: FixtureOptions): Promise<ReleaseFixture> {
  const mount = `/tmp/rp-deploy-${randomBytes(4).toString('hex')}`;
  const deployPath = `${mount}/app`;
  const hosts = await startSshHosts(options.hosts, { deployMount: mount });
  const repo = createSampleAppRepo();
  for (const h of hosts.hosts) {
    mkdirSync(path.join(h.deployRoot, 'app/shared'), { recursive: true });
    writeFileSync(path.join(h.deployRoot, 'app/shared/port'), `${await freePort()}\n`);
  }

  const group = await t.createGroup();
  const owner = await t.createUser({ groupId: group.id, role: 'owner' });
  const developer = await t.createUser({ groupId: group.id, role: 'developer' });
  const ok = async (token: string, method: 'POST' | 'GET', url: string, payload?: object) => {
    const response = await t.call(token, { method, url, ...(payload ? { payload } : {}) });
    expect(response.statusCode, `${method} ${url}: ${response.body}`).toBeLessThan(300);
    return response.json();
  };

  const credential = await ok(owner.token, 'POST', '/api/credentials', { groupId: group.id, name: 'deploy-key', kind: 'ssh_key', privateKey: hosts.hosts[0]?.privateKey });
  const serverIds: string[] = [];
  for (const [i, h] of hosts.hosts.entries()) {
    const server = await ok(owner.token, 'POST', '/api/servers', { groupId: group.id, name: `web-${i + 1}`, host: h.host, port: h.port, username: h.username, credentialId: credential.id });
    // Trust on first use through the connection test, as an operator would after adding a server.
    const test = await ok(owner.token, 'POST', `/api/servers/${server.id}/test`);
    expect(test.fingerprint).toBe(h.hostKeyFingerprint);
    serverIds.push(server.id);
  }
  const portOf = '"$(cat "$DEPLOY_PATH/shared/port")"';
  const project = await ok(owner.token, 'POST', '/api/projects', {
    groupId: group.id,
    name: 'sample-app',
    gitUrl: repo.url,
    preset: 'nodejs',
    buildCommand: 'printf "%s\\n" "$COMMIT" > REVISION',
    artifactPaths: [],
    sharedDirs: ['logs'],
    sharedFiles: [],
    keepReleases: 5,
    restartCommand: `PORT=${portOf} sh bin/restart.sh`,
    healthCheck: { type: 'command', command: `curl -fsS "http://127.0.0.1:${portOf.slice(1, -1)}/health"`, retries: 20, intervalSeconds: 1, timeoutSeconds: 5 },
  });
  const environment = await ok(owner.token, 'POST', `/api/projects/${project.id}/environments`, {
    name: 'prod',
    deployPath,
    serverIds,
    requireApproval: options.requireApproval ?? true,
    rollout: options.rollout ?? { strategy: 'parallel', concurrency: 4 },
  });

  return {
    hosts,
    repo,
    owner,
    developer,
    groupId: group.id,
    projectId: project.id,
    environmentId: environment.id,
    serverIds,
    host: (i) => readHost(path.join(hosts.hosts[i]?.deployRoot ?? '', 'app')),
    cleanup: async () => {
      await hosts.stopAll();
      repo.remove();
      rmSync(mount, { recursive: true, force: true });
    },
  };
}

/** Polls the release until it reaches one of `states` (the worker runs it in the background). */
export async function waitForState(t: TestApp, token: string, id: string, states: string[], timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const release = (await t.call(token, { method: 'GET', url: `/api/releases/${id}` })).json();
    if (states.includes(release.state)) return release;
    if (Date.now() > deadline) throw new Error(`release ${id} is ${release.state}, waited for ${states.join('|')}: ${JSON.stringify(release)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
