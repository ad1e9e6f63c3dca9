import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import type { GrowingFile } from '../transport/growing-file.js';

/** Read size while following; one buffer per packing, reused for the whole file. */
const CHUNK = 256 * 1024;
/** How long the follower waits when it has caught up with the writer. */
const POLL_MS = 20;

export interface Followed {
  sha256: string;
  size: number;
}

export interface ArtifactFollower {
  /** The writer has exited: read what is left, then settle `followed`. */
  writerExited(): void;
  followed: Promise<Followed>;
}

/**
 * Hashes a file that another process (tar) writes, as it is written, and tells the file's readers how much is on
 * disk. tar writes the file itself: piped through this process, every 64 KiB of the artifact was a buffer of its own
 * (a mapping of its own under launch.sh's malloc threshold) and external memory that drove the API's heap into a
 * full collection every second while ten releases packed.
 */
export function followArtifact(file: FileHandle, growing: GrowingFile): ArtifactFollower {
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafeSlow(CHUNK);
  let size = 0;
  let exited = false;
  let wake: (() => void) | undefined;
  const followed = (async () => {
    for (;;) {
      // Read after seeing the exit: an empty read before it may have raced the writer's last bytes.
      const sawExit = exited;
      const { bytesRead } = await file.read(buffer, 0, CHUNK, size);
      if (bytesRead > 0) {
        hash.update(buffer.subarray(0, bytesRead));
        size += bytesRead;
        growing.grew(size);
      } else if (sawExit) {
        return { sha256: hash.digest('hex'), size };
      } else {
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, POLL_MS);
        });
        wake = undefined;
      }
    }
  })();
  return {
    writerExited: () => {
      exited = true;
      wake?.();
    },
    followed,
  };
}
