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

/**
 * What the sample app on a target answers (the release id it was started from). A restart without a health check
 * after it (an automatic rollback) returns as soon as the process is launched, so a refused connection is retried
 * for a few seconds while the new process binds its port.
 */
export async function appSays(port: string | undefined): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/`);
      return await res.text();
    } catch (err) {
      if (attempt >= 50) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
