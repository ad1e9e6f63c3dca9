/**
 * How an artifact is compressed. gzip at level 1 is the default: level 6 spent seconds on incompressible build
 * output (jars, images, minified bundles) before a byte moved, for a few percent less on the wire. zstd is faster
 * still at a better ratio but must exist on the platform host and every target; `none` suits artifacts that are
 * compressed already.
 */
export type Compression = 'gzip' | 'zstd' | 'none';
export type ArtifactFormat = 'tar.gz' | 'tar.zst' | 'tar';

/** Artifacts recorded before formats existed are gzip tarballs. */
export const formatOf = (artifact: { format?: ArtifactFormat | undefined }): ArtifactFormat => artifact.format ?? 'tar.gz';

export function formatFor(compression: Compression | undefined, zstdEverywhere: boolean): ArtifactFormat {
  if (compression === 'none') return 'tar';
  return compression === 'zstd' && zstdEverywhere ? 'tar.zst' : 'tar.gz';
}

/** GNU tar options that write this format (`-I` takes the program with its arguments). */
export function tarCreateArgs(format: ArtifactFormat): string[] {
  if (format === 'tar.gz') return ['-I', 'gzip -1'];
  if (format === 'tar.zst') return ['-I', 'zstd -1 -T0'];
  return [];
}

/** GNU tar options that read this format (`-I prog` runs `prog -d`). */
export function tarExtractArgs(format: ArtifactFormat): string[] {
  if (format === 'tar.gz') return ['-z'];
  if (format === 'tar.zst') return ['-I', 'zstd'];
  return [];
}
