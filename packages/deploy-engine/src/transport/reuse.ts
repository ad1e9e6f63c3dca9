import { createHash } from 'node:crypto';
import type { ServerSpec } from '../types.js';
import type { ConnectOutcome, Connection, ExecOptions, ExecOutcome, Transport } from './transport.js';

interface Idle {
  connection: Connection;
  timer: NodeJS.Timeout;
}

/** Everything that decides whether an open connection is the one this spec would make. */
function identity(server: ServerSpec): string {
  const secret = createHash('sha256').update(`${server.privateKey}\0${server.passphrase ?? ''}`).digest('hex');
  const jump = server.jumpHost ? identity(server.jumpHost) : '';
  return JSON.stringify([server.username, server.host, server.port ?? 22, server.hostKeyFingerprint, secret, jump]);
}

const pinned = (server: ServerSpec): boolean => Boolean(server.hostKeyFingerprint) && (!server.jumpHost || pinned(server.jumpHost));

/**
 * Keeps a connection open for `idleMs` after its run closes it, so the next run to the same servers (a rollback
 * right after a release, the next release of a busy environment) skips the handshake and the login shell. A kept
 * connection is checked with `true` before it is handed out again; a dead one is dropped and a new one made.
 * Only servers with pinned host keys are kept (an unpinned one must show its key to the caller who learns it),
 * and `fresh` asks for a new connection (a connection test must test the server as it is now).
 */
export function reuseIdleConnections(inner: Transport, idleMs: number): Transport {
  const idle = new Map<string, Idle[]>();
  // After close(), connections runs give back are closed instead of kept: the process is shutting down.
  let closing = false;

  const take = (key: string): Connection | undefined => {
    const list = idle.get(key);
    const entry = list?.pop();
    if (list?.length === 0) idle.delete(key);
    if (!entry) return undefined;
    clearTimeout(entry.timer);
    return entry.connection;
  };

  const keep = (key: string, connection: Connection) => {
    if (closing) return connection.close();
    const entry: Idle = {
      connection,
      timer: setTimeout(() => {
        const list = idle.get(key) ?? [];
        const at = list.indexOf(entry);
        if (at >= 0) list.splice(at, 1);
        if (list.length === 0) idle.delete(key);
        connection.close();
      }, idleMs),
    };
    entry.timer.unref();
    idle.set(key, [...(idle.get(key) ?? []), entry]);
  };

  const lease = (key: string, connection: Connection): Connection => {
    let returned = false;
    return {
      exec: (command: string, options?: ExecOptions): Promise<ExecOutcome> => connection.exec(command, options),
      close: () => {
        if (returned) return;
        returned = true;
        keep(key, connection);
      },
    };
  };

  return {
    openConnections: () => inner.openConnections?.() ?? 0,
    close() {
      closing = true;
      for (const key of [...idle.keys()]) for (let kept = take(key); kept; kept = take(key)) kept.close();
    },
    async connect(server, hooks = {}): Promise<ConnectOutcome> {
      if (hooks.fresh || !pinned(server)) return inner.connect(server, hooks);
      const key = identity(server);
      for (let kept = take(key); kept; kept = take(key)) {
        const alive = await kept.exec('true', { timeoutMs: 5000 });
        if (alive.exitCode === 0) return { ok: true, connection: lease(key, kept) };
        kept.close();
      }
      const made = await inner.connect(server, hooks);
      return made.ok ? { ok: true, connection: lease(key, made.connection) } : made;
    },
  };
}
