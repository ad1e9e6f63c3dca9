import { Writable } from 'node:stream';

/** Bytes read from a file per chunk when it is sent as a command's stdin. */
export const STDIN_CHUNK = 256 * 1024;

/** Bytes handed to ssh2 and not yet sent within the remote window, per channel. */
const IN_FLIGHT = 2 * STDIN_CHUNK;

/**
 * A writable that hands a channel at most IN_FLIGHT bytes ssh2 has not sent yet. Piping straight into an ssh2
 * channel buffers up to its 2 MiB high-water mark on top of the window, which with 25 uploads per SSH thread held
 * 60-100 MiB of live buffers per thread; one 64 KiB chunk at a time bounded that but cost a third more CPU per byte
 * sent (a callback per chunk). `end`: end the channel after the last chunk.
 */
export function channelWriter(channel: Writable, { end }: { end: boolean }): Writable {
  let outstanding = 0;
  let waiting: (() => void) | undefined;
  return new Writable({
    highWaterMark: STDIN_CHUNK,
    write(chunk: Buffer, _encoding, done) {
      // A closed channel's own handlers report the failure; the source is stopped by them.
      if (channel.destroyed || channel.writableEnded) return done();
      outstanding += chunk.length;
      channel.write(chunk, () => {
        outstanding -= chunk.length;
        if (waiting && outstanding <= IN_FLIGHT) {
          const next = waiting;
          waiting = undefined;
          next();
        }
      });
      if (outstanding <= IN_FLIGHT) done();
      else waiting = done;
    },
    final(done) {
      if (end && !channel.writableEnded) channel.end();
      done();
    },
  });
}
