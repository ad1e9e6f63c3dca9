/**
 * A child process holding a share of the viewers (forked by live-logs.ts with the viewer URLs as its message
 * channel's first message). Parsing ~200 MB/s of JSON for 200 viewers would otherwise starve the bench's main
 * process, whose timestamps of NOTIFY arrivals must stay accurate; real viewers are browsers on other machines,
 * so their parsing should not sit in front of our other measurements either.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Histogram, type HistogramData } from './histogram.js';
import { Viewer } from './viewer.js';

export type ToViewers = { cmd: 'connect'; urls: string[]; token: string } | { cmd: 'wait'; seq: number; timeoutMs: number } | { cmd: 'report' };

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

export type FromViewers =
  | { kind: 'ready' }
  | { kind: 'failed'; message: string }
  | { kind: 'caughtUp'; ok: boolean }
  | { kind: 'report'; latency: HistogramData; viewers: ViewerStats[]; loopDelayP99Ms: number; loopDelayMaxMs: number };

const send = (message: FromViewers) => {
  if (!process.send) throw new Error('viewer-process.ts runs as a forked child with an IPC channel');
  process.send(message);
};

const latency = new Histogram();
const viewers: Viewer[] = [];
const loop = monitorEventLoopDelay({ resolution: 10 });

async function connect(urls: string[], token: string): Promise<void> {
  try {
    // A few at a time: 200 simultaneous upgrades would each wait on the same authentication queries.
    for (let i = 0; i < urls.length; i += 25) {
      const batch = urls.slice(i, i + 25).map((url) => new Viewer(url, token, latency));
      viewers.push(...batch);
      await Promise.all(batch.map(async (v) => (await v.opened, await v.snapshot)));
    }
    loop.enable();
    send({ kind: 'ready' });
  } catch (error) {
    send({ kind: 'failed', message: (error as Error).message });
  }
}

// The parent going away (bench killed) must not leave viewers behind.
process.on('disconnect', () => process.exit(0));

process.on('message', (message: ToViewers) => {
  if (message.cmd === 'connect') {
    void connect(message.urls, message.token);
    return;
  }
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
});
