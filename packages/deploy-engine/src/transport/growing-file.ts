/**
 * A file one party is still writing while others send it: how many bytes are on disk and whether it is complete,
 * in shared memory, so an SSH thread sending it as stdin sees the packager's progress without messages. Slot 0 is
 * the byte count, slot 1 the state, slot 2 a counter every change bumps: readers read it first and wait on it, so a
 * change between their look and their wait cannot be missed.
 */
const WRITING = 0n;
const COMPLETE = 1n;
const FAILED = 2n;

export type Growth = { bytes: number; state: 'writing' | 'complete' | 'failed' };

export class GrowingFile {
  readonly #slots: BigInt64Array;

  constructor(readonly shared: SharedArrayBuffer = new SharedArrayBuffer(24)) {
    this.#slots = new BigInt64Array(shared);
  }

  /** The writer has `bytes` on disk in total. */
  grew(bytes: number): void {
    Atomics.store(this.#slots, 0, BigInt(bytes));
    this.#changed();
  }

  complete(): void {
    this.#end(COMPLETE);
  }

  /** The file will never be whole; readers stop with an error. */
  fail(): void {
    this.#end(FAILED);
  }

  #end(state: bigint): void {
    Atomics.store(this.#slots, 1, state);
    this.#changed();
  }

  #changed(): void {
    Atomics.add(this.#slots, 2, 1n);
    Atomics.notify(this.#slots, 2);
  }

  now(): Growth {
    const state = Atomics.load(this.#slots, 1);
    return { bytes: Number(Atomics.load(this.#slots, 0)), state: state === WRITING ? 'writing' : state === COMPLETE ? 'complete' : 'failed' };
  }

  /** Resolves once more than `offset` bytes are on disk or the file ended, whichever comes first. */
  async beyond(offset: number): Promise<Growth> {
    for (;;) {
      const seen = Atomics.load(this.#slots, 2);
      const growth = this.now();
      if (growth.bytes > offset || growth.state !== 'writing') return growth;
      const wait = Atomics.waitAsync(this.#slots, 2, seen);
      if (wait.async) await wait.value;
    }
  }
}
