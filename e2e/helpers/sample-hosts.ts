import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createSampleAppRepo, freePort, startSshHosts, type SampleAppRepo, type SshHosts } from '@rp/deploy-engine/testing';

export interface SampleHosts {
  hosts: SshHosts;
  repo: SampleAppRepo;
  /** The deploy path every host serves, each from its own directory (a mount namespace per sshd). */
  deployPath: string;
  stop(): Promise<void>;
}

/**
 * Real sshd hosts ready to run the sample app side by side: the app reads its port from the shared directory, so
 * each host gets a free one there.
 */
export async function startSampleHosts(count: number, prefix: string): Promise<SampleHosts> {
  const mount = `/tmp/${prefix}-${randomBytes(4).toString('hex')}`;
  const hosts = await startSshHosts(count, { deployMount: mount });
  const repo = createSampleAppRepo();
  for (const h of hosts.hosts) {
    mkdirSync(path.join(h.deployRoot, 'app/shared'), { recursive: true });
    writeFileSync(path.join(h.deployRoot, 'app/shared/port'), `${await freePort()}\n`);
  }
  return {
    hosts,
    repo,
    deployPath: `${mount}/app`,
    stop: async () => {
      await hosts.stopAll();
      repo.remove();
      rmSync(mount, { recursive: true, force: true });
    },
  };
}
