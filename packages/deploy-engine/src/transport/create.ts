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
