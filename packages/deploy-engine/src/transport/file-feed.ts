import { open } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { GrowingFile } from './growing-file.js';

/** Buffers per feed: two handed to the channel and not yet sent within its window, one being read into. */
const BUFFERS = 3;
/**
 * Two SSH packets. Fifty uploads at once held 37 MiB in 256 KiB buffers; at 64 KiB the fan-out was as fast and cost
 * no more CPU (`npm run bench:release`).
 */
const FEED_CHUNK = 64 * 1024;

/**
 * While a file is still being written, bytes are sent once at least this many more are on disk (or it is complete):
 * in a shell session every announced piece costs the host a `head` process.
 */
const GROWING_STEP = 4 * 1024 * 1024;

export interface FeedOptions {
  /** Send only the first `length` bytes. */
  length?: number;
  /** End the channel after the last byte. */
  end: boolean;
  /** The file is still being written (GrowingFile's shared state): wait for its bytes until it is complete. */
  growing?: SharedArrayBuffer;
  /**
   * Announce each piece as a `<bytes>\n` line and end with `0\n`, for a shell session that cannot see the end of a
   * stdin of unknown length (see shell-session.ts).
   */
  pieces?: boolean;
}

export interface FileFeed {
  /** Bytes of the file handed to the channel; rejects when the file cannot be read or its writer failed. */
  done: Promise<number>;
  stop(): void;
}

/**
 * Sends a file down a channel through three buffers reused for the whole file. A stream reading the file allocates
 * a fresh buffer per chunk, and under a fixed malloc mmap threshold (see scripts/launch.sh) every one is a new
 * mapping whose pages the kernel faults in and zeroes: a third of the CPU a 20-host upload of 100 MB cost the
 * platform. A buffer goes back to the feed when the channel's write callback says ssh2 has copied it into
 * packets. Stops when the channel closes.
 */
export function feedFile(path: string, channel: Writable, o: FeedOptions): FileFeed {
  let stopped = false;
  let wake: (() => void) | undefined;
  const free = Array.from({ length: BUFFERS }, () => Buffer.allocUnsafeSlow(FEED_CHUNK));
  const release = () => {
    const next = wake;
    wake = undefined;
    next?.();
  };
  const stop = () => {
    stopped = true;
    release();
  };
  const gone = () => stopped || channel.destroyed || channel.writableEnded;
  const growth = o.growing ? new GrowingFile(o.growing) : undefined;
  channel.once('close', stop);

  const done = (async () => {
    const file = await open(path, 'r');
    let sent = 0;
    try {
      // How far this feed may read: the file's end, or what the writer has on disk so far.
      let limit = growth ? 0 : (o.length ?? Number.POSITIVE_INFINITY);
      let complete = !growth;
      for (;;) {
        if (!complete && growth && sent >= limit) {
          const now = await growth.beyond(sent + GROWING_STEP - 1);
          if (now.state === 'failed') throw new Error('the file was not written whole');
          complete = now.state === 'complete';
          limit = now.bytes;
          if (o.pieces && limit > sent && !gone()) channel.write(`${limit - sent}\n`);
        }
        if (gone() || (complete && sent >= limit)) break;
        if (sent >= limit) continue;
        while (!stopped && free.length === 0) await new Promise<void>((resolve) => (wake = resolve));
        if (gone()) break;
        const buffer = free.pop() as (typeof free)[number];
        const { bytesRead } = await file.read(buffer, 0, Math.min(FEED_CHUNK, limit - sent), null);
        if (bytesRead === 0 || gone()) break;
        sent += bytesRead;
        channel.write(buffer.subarray(0, bytesRead), () => {
          free.push(buffer);
          release();
        });
      }
      if (o.pieces && !gone()) channel.write('0\n');
      if (o.end && !gone()) channel.end();
      return sent;
    } finally {
      channel.removeListener('close', stop);
      await file.close();
    }
  })();
  return { done, stop };
}
