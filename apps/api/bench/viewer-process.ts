/**
 * A worker thread holding a share of the viewers. Parsing ~200 MB/s of JSON for 200 viewers would otherwise starve
 * the main thread, whose timestamps of NOTIFY arrivals and whose polling must stay accurate; real viewers are
 * browsers on other machines, so their parsing should not sit in front of our measurements either.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { Histogram, type HistogramData } from './histogram.js';
import { Viewer } from './viewer.js';

export type ToThread = { cmd: 'wait'; seq: number; timeoutMs: number } | { cmd: 'report' };

export interface ViewerStats {
  linesReceived: number;
  lineGaps: number;
  lineDuplicates: number;
  seqGaps: number;
  seqDuplicates: number;
  closeCode: number | null;
  firstProblem: string;
  messages: number;
  bytes: number;
}

export type FromThread =
  | { kind: 'ready' }
  | { kind: 'failed'; message: string }
  | { kind: 'caughtUp'; ok: boolean }
  | { kind: 'report'; latency: HistogramData; viewers: ViewerStats[]; loopDelayP99Ms: number; loopDelayMaxMs: number };

const port = parentPort;
if (!port) throw new Error('viewer-thread.ts runs as a worker thread');
const { urls } = workerData as { urls: string[] };
const send = (message: FromThread) => port.postMessage(message);

const latency = new Histogram();
const viewers: Viewer[] = [];
const loop = monitorEventLoopDelay({ resolution: 10 });

try {
  // A few at a time: 200 simultaneous upgrades would each wait on the same authentication queries.
  for (let i = 0; i < urls.length; i += 25) {
    const batch = urls.slice(i, i + 25).map((url) => new Viewer(url, latency));
    viewers.push(...batch);
    await Promise.all(batch.map(async (v) => (await v.opened, await v.snapshot)));
  }
  loop.enable();
  send({ kind: 'ready' });
} catch (error) {
  send({ kind: 'failed', message: (error as Error).message });
}

port.on('message', (message: ToThread) => {
  if (message.cmd === 'wait') {
    const deadline = Date.now() + message.timeoutMs;
    const check = () => {
      if (viewers.every((v) => v.lastSeq >= message.seq || v.closeCode !== null)) send({ kind: 'caughtUp', ok: true });
      else if (Date.now() > deadline) send({ kind: 'caughtUp', ok: false });
      else setTimeout(check, 50);
    };
    check();
    return;
  }
  loop.disable();
  for (const v of viewers) v.close();
  send({
    kind: 'report',
    latency: latency.data(),
    viewers: viewers.map((v) => ({
      linesReceived: v.linesReceived,
      lineGaps: v.lineGaps,
      lineDuplicates: v.lineDuplicates,
      seqGaps: v.seqGaps,
      seqDuplicates: v.seqDuplicates,
      closeCode: v.closeCode,
      firstProblem: v.firstProblem,
      messages: v.messages,
      bytes: v.bytes,
    })),
    loopDelayP99Ms: loop.percentile(99) / 1e6,
    loopDelayMaxMs: loop.max / 1e6,
  });
  port.close();
});
