import type { SshHosts } from '@rp/deploy-engine/testing';
import type { Api } from '../rest.js';
import { bytesOf } from './artifact.js';

export interface Fleet {
  groupId: string;
  /** One registered server per harness host, in host order. */
  serverIds: string[];
}

/**
 * Registers the harness hosts as an operator would: a group, the hosts' client key imported as an SSH key
 * credential, and one server per host with its host key pinned.
 */
export async function registerFleet(api: Api, ssh: SshHosts): Promise<Fleet> {
  const group = await api.call<{ id: string }>('POST', '/api/groups', { name: 'bench-release' });
  const key = await api.call<{ id: string }>('POST', '/api/credentials', { groupId: group.id, name: 'deploy-key', kind: 'ssh_key', privateKey: ssh.hosts[0]?.privateKey });
  const serverIds: string[] = [];
  for (const [i, h] of ssh.hosts.entries()) {
    const server = await api.call<{ id: string }>('POST', '/api/servers', {
      groupId: group.id,
      name: `host-${String(i + 1).padStart(2, '0')}`,
      host: h.host,
      port: h.port,
      username: h.username,
      credentialId: key.id,
      hostKeyFingerprint: h.hostKeyFingerprint,
    });
    serverIds.push(server.id);
  }
  return { groupId: group.id, serverIds };
}

export interface BenchProject {
  projectId: string;
  environmentId: string;
}

/**
 * A project whose build writes `sizeMb` MB of random bytes (incompressible, so every side moves the full size), with
 * no restart command and no health check, and one environment over `serverIds` that needs no approval and rolls out
 * in parallel at `concurrency`. Each release of a new commit builds a new artifact, so every upload is real.
 */
export async function createBenchProject(
  api: Api,
  fleet: Fleet,
  p: { name: string; gitUrl: string; sizeMb: number; deployPath: string; serverIds: string[]; concurrency: number },
): Promise<BenchProject> {
  const project = await api.call<{ id: string }>('POST', '/api/projects', {
    groupId: fleet.groupId,
    name: p.name,
    gitUrl: p.gitUrl,
    preset: 'shell',
    buildCommand: `head -c ${bytesOf(p.sizeMb)} /dev/urandom > payload.bin`,
    // Two: the release being rolled back from and the one rolled back to.
    keepReleases: 2,
  });
  const environment = await api.call<{ id: string }>('POST', `/api/projects/${project.id}/environments`, {
    name: 'bench',
    deployPath: p.deployPath,
    serverIds: p.serverIds,
    requireApproval: false,
    rollout: { strategy: 'parallel', concurrency: p.concurrency },
  });
  return { projectId: project.id, environmentId: environment.id };
}
