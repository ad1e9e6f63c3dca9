/**
 * The remote side of the benchmark: a Node script that prints `BENCH <n> <ms since epoch, µs precision>` lines at a
 * steady rate. Both the release hook and the plain-ssh baseline run exactly this text, so they differ only in what
 * carries the lines to the reader.
 */
export interface EmitterOptions {
  lines: number;
  ratePerSecond: number;
  tickMs: number;
}

export const LINE_PREFIX = 'BENCH ';
export const DONE_PREFIX = 'BENCH-DONE ';

function emitterJs({ lines, ratePerSecond, tickMs }: EmitterOptions): string {
  return `'use strict';
const TOTAL = ${lines};
const PER_TICK = ${(ratePerSecond * tickMs) / 1000};
const TICK_MS = ${tickMs};
const origin = performance.timeOrigin;
const t0 = performance.now();
let sent = 0;
let tick = 0;
let maxLateMs = 0;
// Tick k is due at t0 + k·TICK_MS and catches up on the lines it owes, so a late timer never lowers the average rate.
function step() {
  const late = performance.now() - (t0 + tick * TICK_MS);
  if (late > maxLateMs) maxLateMs = late;
  const due = Math.min(TOTAL, Math.round((tick + 1) * PER_TICK));
  let chunk = '';
  while (sent < due) {
    sent++;
    chunk += '${LINE_PREFIX}' + sent + ' ' + (origin + performance.now()).toFixed(3) + '\\n';
  }
  if (chunk) process.stdout.write(chunk);
  tick++;
  if (sent >= TOTAL) {
    process.stdout.write('${DONE_PREFIX}sent=' + sent + ' seconds=' + ((performance.now() - t0) / 1000).toFixed(3) + ' maxTickLateMs=' + maxLateMs.toFixed(1) + '\\n');
    return;
  }
  setTimeout(step, Math.max(0, t0 + tick * TICK_MS - performance.now()));
}
step();
`;
}

/** A POSIX shell script (the form hooks take) that runs the emitter with node, its source in a here-document. */
export function emitterScript(options: EmitterOptions): string {
  return `exec node - <<'BENCH_EMITTER_JS'\n${emitterJs(options)}BENCH_EMITTER_JS\n`;
}

/** `BENCH 17 1763900000123.456` → [17, 1763900000123.456]; anything else → null. */
export function parseBenchLine(text: string | null | undefined): [number, number] | null {
  if (!text?.startsWith(LINE_PREFIX)) return null;
  const space = text.indexOf(' ', LINE_PREFIX.length);
  if (space < 0) return null;
  const n = Number(text.slice(LINE_PREFIX.length, space));
  const at = Number(text.slice(space + 1));
  return Number.isInteger(n) && Number.isFinite(at) ? [n, at] : null;
}
