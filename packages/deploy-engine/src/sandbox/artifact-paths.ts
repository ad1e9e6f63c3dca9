import { existsSync, realpathSync } from 'node:fs';
import { join, sep } from 'node:path';

/**
 * The first artifact path that resolves outside the checkout. The sandboxed build may have replaced a directory with a
 * link to any host path, and the packing `tar` runs with the platform's rights: it must never follow one out.
 */
export function artifactPathOutside(checkout: string, paths: readonly string[]): string | undefined {
  const root = realpathSync(checkout);
  return paths.find((p) => {
    const full = join(checkout, p);
    if (!existsSync(full)) return false;
    const real = realpathSync(full);
    return real !== root && !real.startsWith(root + sep);
  });
}
