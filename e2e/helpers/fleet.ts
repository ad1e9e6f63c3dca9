import type { Api } from './api.js';
import type { SampleHosts } from './sample-hosts.js';

export interface Fleet {
  groupId: string;
  serverIds: string[];
  projectId: string;
  environmentId: string;
}

/**
 * A group with the sample hosts registered as servers (named `names`, connection tested so their keys are pinned), a
 * project on the sample repository and its `prod` environment on all of them, through the API as an operator would.
 * `project` and `environment` add to or override the bodies.
 */
export async function registerFleet(
  api: Api,
  sample: SampleHosts,
  { prefix, names, project = {}, environment = {} }: { prefix: string; names: readonly string[]; project?: Record<string, unknown>; environment?: Record<string, unknown> },
): Promise<Fleet> {
  const tag = Math.random().toString(16).slice(2, 8);
  const group = await api.post<{ id: string }>('/api/groups', { name: `${prefix}-${tag}` });
  const first = sample.hosts.hosts[0];
  if (!first) throw new Error('no ssh host');
  const key = await api.post<{ id: string }>('/api/credentials', { groupId: group.id, name: 'deploy-key', kind: 'ssh_key', privateKey: first.privateKey });
  const serverIds: string[] = [];
  for (const [i, host] of sample.hosts.hosts.entries()) {
    const server = await api.post<{ id: string }>('/api/servers', {
      groupId: group.id,
      name: names[i] ?? `web-${i + 1}`,
      host: host.host,
      port: host.port,
      username: host.username,
      credentialId: key.id,
    });
    await api.post(`/api/servers/${server.id}/test`);
    serverIds.push(server.id);
  }
  const created = await api.post<{ id: string }>('/api/projects', {
    groupId: group.id,
    name: `${prefix}-app-${tag}`,
    gitUrl: sample.repo.url,
    preset: 'shell',
    buildCommand: 'echo built',
    artifactPaths: [],
    ...project,
  });
  const env = await api.post<{ id: string }>(`/api/projects/${created.id}/environments`, {
    name: 'prod',
    deployPath: sample.deployPath,
    serverIds,
    ...environment,
  });
  return { groupId: group.id, serverIds, projectId: created.id, environmentId: env.id };
}
