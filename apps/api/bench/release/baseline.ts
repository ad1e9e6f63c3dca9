import type { SshHost } from '@rp/deploy-engine/testing';
import { limited, ssh } from './ssh-client.js';

export interface BaselineTarget {
  hosts: readonly SshHost[];
  keyPath: string;
  /** The deploy directory as the hosts see it (inside their mount namespace). */
  root: string;
  concurrency: number;
}

/**
 * The plain release every figure is compared with: per host, one `ssh` that unpacks the tarball from stdin into
 * a new release directory and switches `current` atomically, at most `concurrency` hosts at a time. Returns ms.
 */
export async function baselineRelease(t: BaselineTarget, releaseId: string, artifactPath: string): Promise<number> {
  const dir = `${t.root}/releases/${releaseId}`;
  const remote = `mkdir -p ${dir} && tar -xzf - -C ${dir} && ln -sfn releases/${releaseId} ${t.root}/current.tmp && mv -T ${t.root}/current.tmp ${t.root}/current`;
  const t0 = performance.now();
  await limited(t.hosts, t.concurrency, (h) => ssh(h, t.keyPath, remote, artifactPath));
  return performance.now() - t0;
}

/** The plain rollback: per host, one `ssh` that points `current` at a release directory already there. Returns ms. */
export async function baselineSwitch(t: BaselineTarget, releaseId: string): Promise<number> {
  const remote = `test -d ${t.root}/releases/${releaseId} && ln -sfn releases/${releaseId} ${t.root}/current.tmp && mv -T ${t.root}/current.tmp ${t.root}/current`;
  const t0 = performance.now();
  await limited(t.hosts, t.concurrency, (h) => ssh(h, t.keyPath, remote));
  return performance.now() - t0;
}
