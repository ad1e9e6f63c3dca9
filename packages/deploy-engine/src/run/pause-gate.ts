/**
 * The manual gate between batches. `open()` only releases a rollout that is already waiting: a stray continue sent
 * before the pause would otherwise silently skip the next human check.
 */
export class PauseGate {
  #release: (() => void) | undefined;

  wait(signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.#release = undefined;
        signal?.removeEventListener('abort', done);
        resolve();
      };
      if (signal?.aborted) return resolve();
      this.#release = done;
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  open(): void {
    this.#release?.();
  }
}
