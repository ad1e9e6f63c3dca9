/** What pre-flight learned about one target. */
export interface TargetPrep {
  /** Free bytes on the deploy filesystem, for the disk-space check before upload. */
  freeBytes: number | undefined;
  /** Release id `current` pointed at before this run (the lock keeps it from changing under us). */
  current: string | null;
  /** Whether the host can unpack zstd; an artifact is packed with zstd only when every target can. */
  zstd: boolean;
}

/** Filled by the prepare stage; the run frame reads `locked` to refresh and finally free exactly the locks it took. */
export interface Prepared {
  targets: Map<string, TargetPrep>;
  locked: Set<string>;
  failed: number;
}
