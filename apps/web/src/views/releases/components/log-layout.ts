import type { ReleaseEvent } from '@/api/releases';
import type { RunStart } from '@/stores/release-live';

/** A line of the console: a log line, or the separator where a retry's run begins (`attempt` counts from 1). */
export type LogEntry = { kind: 'log'; event: ReleaseEvent } | { kind: 'run'; seq: number; at: string; attempt: number };

/**
 * The log lines with a separator before the first line of every run after the first, so a reader sees where the
 * retry began. A run that has not logged anything yet still gets its separator, at the end.
 */
export function logEntries(lines: readonly ReleaseEvent[], runs: readonly RunStart[]): LogEntry[] {
  const out: LogEntry[] = [];
  let next = 1;
  const separator = (run: RunStart): LogEntry => ({ kind: 'run', seq: run.seq, at: run.at, attempt: next + 1 });
  for (const event of lines) {
    for (let run = runs[next]; run && run.seq < event.seq; run = runs[next]) {
      out.push(separator(run));
      next += 1;
    }
    out.push({ kind: 'log', event });
  }
  for (let run = runs[next]; run; run = runs[next]) {
    out.push(separator(run));
    next += 1;
  }
  return out;
}

// East Asian wide characters take two columns of a monospace font.
const WIDE = /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/g;

/** How many rows `text` takes when wrapped at every `columns` characters; tabs count as the 8 they advance at most. */
export function rowsOf(text: string, columns: number): number {
  const width = text.length + (text.match(WIDE)?.length ?? 0) + (text.match(/\t/g)?.length ?? 0) * 7;
  return Math.max(1, Math.ceil(width / Math.max(1, columns)));
}

/** Row offsets of each line (`n + 1` entries, the last the total), so the row of any line is a lookup. */
export function rowOffsets(rows: readonly number[]): Int32Array {
  const out = new Int32Array(rows.length + 1);
  rows.forEach((n, i) => {
    out[i + 1] = (out[i] ?? 0) + n;
  });
  return out;
}
