import { createServer } from 'node:net';
import type { ReleasePlan, Target } from '../../src/index.js';
import type { SshHost } from './ssh-hosts.js';

/** A TCP port that was free a moment ago on 127.0.0.1 (for the sample app on each host). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface SampleTargetOptions {
  /** Directory under the host's deploy root; default `app`. */
  path?: string;
  /** Pin the host key (default true); false exercises trust on first use. */
  pinHostKey?: boolean;
}

/** One target per host with its own app port in `env.PORT`. */
export async function sampleTargets(hosts: SshHost[], options: SampleTargetOptions = {}): Promise<Target[]> {
  return Promise.all(
    hosts.map(async (h, i) => ({
      id: `host${i + 1}`,
      server: {
        host: h.host,
        port: h.port,
        username: h.username,
        privateKey: h.privateKey,
        ...(options.pinHostKey === false ? {} : { hostKeyFingerprint: h.hostKeyFingerprint }),
      },
      deployPath: `${h.deployRoot}/${options.path ?? 'app'}`,
      env: { PORT: String(await freePort()) },
    })),
  );
}

/**
 * A complete release plan for the sample app: restart with its bundled script, health check its /health URL on
 * each target's port, parallel rollout. Override anything with `overrides`.
 */
export function samplePlan(args: { releaseId: string; gitUrl: string; commit: string; workDir: string; targets: Target[] }, overrides: Partial<ReleasePlan> = {}): ReleasePlan {
  return {
    releaseId: args.releaseId,
    project: 'sample-app',
    workDir: args.workDir,
    source: { gitUrl: args.gitUrl, commit: args.commit },
    build: { command: 'printf "%s\\n" "$COMMIT" > REVISION' },
    targets: args.targets,
    rollout: { kind: 'parallel', concurrency: 8 },
    restartCommand: 'sh bin/restart.sh',
    healthcheck: { url: 'http://127.0.0.1:{{PORT}}/health', retries: 10, intervalMs: 100, timeoutMs: 2000 },
    sharedDirs: ['logs'],
    keepReleases: 3,
    actor: 'integration-test',
    instance: 'test-instance',
    ...overrides,
  };
}
