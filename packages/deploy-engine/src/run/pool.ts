import type { EngineError } from '../errors.js';
import type { EventSink } from '../events.js';
import type { Connection, ConnectOutcome, Transport } from '../transport/transport.js';
import type { ServerSpec } from '../types.js';

/**
 * One connection per server for the whole run: targets that share a server (several deploy paths) and every stage
 * reuse it. Failures are cached too, so an unreachable host is reported once, not once per stage.
 */
export class ConnectionPool {
  #connections = new Map<string, Promise<ConnectOutcome>>();

  constructor(
    private readonly transport: Transport,
    private readonly events: EventSink,
    private readonly signal: AbortSignal | undefined,
  ) {}

  static key(server: ServerSpec): string {
    const jump = server.jumpHost ? ` via ${ConnectionPool.key(server.jumpHost)}` : '';
    return `${server.username}@${server.host}:${server.port ?? 22}${jump}`;
  }

  get(server: ServerSpec, options: { ignoreAbort?: boolean } = {}): Promise<{ ok: true; connection: Connection } | { ok: false; error: EngineError }> {
    const key = ConnectionPool.key(server);
    let pending = this.#connections.get(key);
    // A connect that was cut short by the abort is retried once for the final read-back.
    if (pending && options.ignoreAbort) {
      const settled = pending;
      pending = settled.then((o) => (o.ok || o.error.code !== 'aborted' ? o : this.transport.connect(server, {})));
      this.#connections.set(key, pending);
    }
    if (!pending) {
      pending = this.transport.connect(server, {
        onHostKeyLearned: (fingerprint, learned) => this.events.emit({ type: 'hostkey.learned', server: learned, fingerprint }),
        ...(this.signal && !options.ignoreAbort ? { signal: this.signal } : {}),
      });
      this.#connections.set(key, pending);
    }
    return pending;
  }

  async closeAll(): Promise<void> {
    const all = await Promise.all(this.#connections.values());
    for (const outcome of all) if (outcome.ok) outcome.connection.close();
    this.#connections.clear();
  }
}
