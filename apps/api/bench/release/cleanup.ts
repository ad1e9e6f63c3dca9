/**
 * Undo steps run once, newest first, whether the bench ends, fails or is interrupted (Ctrl-C, SIGTERM): sshd hosts,
 * product processes, the database and temp dirs must not outlive it.
 */
export class Cleanup {
  readonly #steps: (() => unknown)[] = [];
  #ran: Promise<void> | undefined;

  constructor() {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        console.error(`\n${signal}: cleaning up`);
        void this.run().finally(() => process.exit(130));
      });
    }
  }

  add(step: () => unknown): void {
    this.#steps.push(step);
  }

  run(): Promise<void> {
    this.#ran ??= (async () => {
      for (const step of this.#steps.reverse()) {
        try {
          await step();
        } catch (error) {
          console.error(`cleanup step failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    })();
    return this.#ran;
  }
}
