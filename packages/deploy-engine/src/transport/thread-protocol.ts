import type { EngineError } from '../errors.js';
import type { ServerSpec } from '../types.js';
import type { ExecOutcome } from './transport.js';
import type { Settings } from './ssh.js';

/** What the engine's thread sends to an SSH thread. Ids are unique per pool. */
export type ToThread =
  | { t: 'connect'; id: number; server: ServerSpec }
  | { t: 'cancel-connect'; id: number }
  | {
      t: 'exec';
      conn: number;
      id: number;
      command: string;
      /** `stream`: chunks follow as `stdin` messages, then `stdin-end`. */
      stdin?: string | Uint8Array | { file: string } | 'stream';
      timeoutMs?: number;
      wantStdout: boolean;
      wantStderr: boolean;
    }
  | { t: 'stdin'; id: number; chunk: Uint8Array }
  | { t: 'stdin-end'; id: number }
  | { t: 'abort'; id: number }
  | { t: 'close'; conn: number };

/** What an SSH thread answers. */
export type FromThread =
  | { t: 'connected'; id: number; ok: true }
  | { t: 'connected'; id: number; ok: false; error: EngineError }
  | { t: 'host-key'; id: number; fingerprint: string; server: { host: string; port: number } }
  | { t: 'stdout' | 'stderr'; id: number; chunk: Uint8Array }
  /** A streamed stdin chunk was written into the channel; the sender may send another. */
  | { t: 'stdin-ack'; id: number }
  | { t: 'done'; id: number; outcome: ExecOutcome };

export interface ThreadData {
  settings: Settings;
}
