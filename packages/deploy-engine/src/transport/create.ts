import { availableParallelism } from 'node:os';
import { createInThreadSshTransport, type SshTransportOptions } from './ssh.js';
import { reuseIdleConnections } from './reuse.js';
import { createThreadedSshTransport } from './threaded.js';
import type { Transport } from './transport.js';

/**
 * The SSH transport: connections in `threads` worker threads when asked for, else in the calling thread; with
 * `reuseIdleMs`, a run's connections stay open that long for the next run to the same servers.
 */
export function createSshTransport(options: SshTransportOptions & { reuseIdleMs?: number } = {}): Transport {
  const threads = options.threads ?? 0;
  const transport = threads > 0 ? createThreadedSshTransport({ ...options, threads }) : createInThreadSshTransport(options);
  return options.reuseIdleMs ? reuseIdleConnections(transport, options.reuseIdleMs) : transport;
}

/**
 * SSH threads for this machine: one per core but the one the calling thread (the API, the worker) needs, at least
 * one. On 2 cores, two threads sent 100 MB to 20 hosts no faster than one (18.1 s both, `npm run bench:release`),
 * and each held ~25 MiB more under load.
 */
export const defaultSshThreads = (): number => Math.max(1, Math.min(availableParallelism() - 1, 8));
