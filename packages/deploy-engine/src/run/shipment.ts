import { formatOf, type ArtifactFormat } from '../artifact-format.js';
import type { Artifact } from '../types.js';

/**
 * The artifact as the per-target stages send it: a finished one, or one still being packed, which uploads read as
 * it grows (so hosts receive while the platform packs). `artifact` settles when packing ends, with the checksum the
 * hosts' own must match, or undefined when packing failed (the package stage reports why).
 */
export interface Shipment {
  format: ArtifactFormat;
  /** Free bytes a host needs to receive it; undefined when not known. */
  needsBytes: number | undefined;
  stdin: { file: string; growing?: SharedArrayBuffer };
  artifact: Promise<Artifact | undefined>;
}

/** A finished artifact; one cached before tree sizes were recorded needs room for itself twice over, as it used to. */
export const shipmentOf = (artifact: Artifact): Shipment => ({
  format: formatOf(artifact),
  needsBytes: artifact.treeBytes ?? 2 * artifact.size,
  stdin: { file: artifact.path },
  artifact: Promise.resolve(artifact),
});
