import { claimSync, runSync, type SyncDeps, type SyncMode } from './sync.js';

/**
 * Syncs started from the API run in the background of this process; closing waits for them, so a sync never
 * outlives the database connection it writes through.
 */
export class SyncRunner {
  readonly #running = new Set<Promise<unknown>>();

  constructor(private readonly deps: SyncDeps & { log: { warn(msg: string): void } }) {}

  /** False when another sync (in any process) holds the platform. */
  async start(id: string, mode: SyncMode): Promise<boolean> {
    if (!(await claimSync(this.deps.db, id, mode))) return false;
    const run: Promise<unknown> = runSync(this.deps, id, mode)
      .catch((error: Error) => this.deps.log.warn(`sync of Git platform ${id} could not record its end: ${error.message}`))
      .finally(() => this.#running.delete(run));
    this.#running.add(run);
    return true;
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.#running]);
  }
}
