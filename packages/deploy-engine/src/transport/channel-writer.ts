import { Writable } from 'node:stream';

/** Bytes read from a file per chunk when it is sent as a command's stdin. */
export const STDIN_CHUNK = 64 * 1024;

/**
 * A writable that hands a channel one chunk at a time, taking the next only once ssh2 has sent the last within the
 * remote window. Piping straight into an ssh2 channel buffers up to its 2 MiB high-water mark on top of the window,
 * which with 25 uploads per SSH thread held 60-100 MiB of live buffers per thread. `end`: end the channel after the
 * last chunk.
 */
export function channelWriter(channel: Writable, { end }: { end: boolean }): Writable {
  return new Writable({
    highWaterMark: STDIN_CHUNK,
    write(chunk: Buffer, _encoding, done) {
      // A closed channel's own handlers report the failure; the source is stopped by them.
      if (channel.destroyed || channel.writableEnded) return done();
      channel.write(chunk, () => done());
    },
    final(done) {
      if (end && !channel.writableEnded) channel.end();
      done();
    },
  });
}
