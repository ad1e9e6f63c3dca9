import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EngineEvent } from '../src/index.js';

/** Collects every event of a run, and checks the invariant consumers rely on: seq strictly increases. */
export function recorder() {
  const events: EngineEvent[] = [];
  return {
    events,
    onEvent: (e: EngineEvent) => events.push(e),
    of<T extends EngineEvent['type']>(type: T): Extract<EngineEvent, { type: T }>[] {
      return events.filter((e): e is Extract<EngineEvent, { type: T }> => e.type === type);
    },
    seqIncreases(): boolean {
      return events.every((e, i) => i === 0 || e.seq > (events[i - 1]?.seq ?? 0));
    },
  };
}

/** What the sample app on a target answers right now (the release id it was started from). */
export async function appSays(port: string | undefined): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/`);
  return res.text();
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
