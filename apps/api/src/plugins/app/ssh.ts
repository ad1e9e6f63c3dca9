import { createSshTransport, type Transport } from '@rp/deploy-engine';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The process's one SSH transport: connection tests, version checks and the embedded worker share its threads. */
    ssh: Transport;
  }
}

/**
 * The SSH transport as configured; `pnpm worker` builds it here too, without a Fastify app. Releases connect to
 * many hosts at once from busy threads, so the handshake gets more time than the engine's 10 s default.
 */
export function createPlatformTransport(config: Pick<Config, 'sshThreads' | 'sshSessions' | 'sshReuseSeconds'>): Transport {
  return createSshTransport({ connectTimeoutMs: 15_000, threads: config.sshThreads, sessions: config.sshSessions, reuseIdleMs: config.sshReuseSeconds * 1000 });
}

export function registerSsh(app: FastifyInstance): void {
  app.decorate('ssh', createPlatformTransport(app.config));
  app.addHook('onClose', async () => app.ssh.close?.());
}
