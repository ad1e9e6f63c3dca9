import { createInThreadSshTransport, type SshTransportOptions } from './ssh.js';
import { createThreadedSshTransport } from './threaded.js';
import type { Transport } from './transport.js';

/** The SSH transport: connections in `threads` worker threads when asked for, else in the calling thread. */
export function createSshTransport(options: SshTransportOptions = {}): Transport {
  const threads = options.threads ?? 0;
  return threads > 0 ? createThreadedSshTransport({ ...options, threads }) : createInThreadSshTransport(options);
}
