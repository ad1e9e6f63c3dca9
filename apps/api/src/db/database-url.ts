import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmbeddedPostgres } from './embedded.js';
import type { DbLog } from './migrate.js';

export interface ResolveDatabaseOptions {
  /** Defaults to DATABASE_URL; empty means "use the embedded database". */
  databaseUrl?: string | undefined;
  /** Where the embedded cluster keeps its data (`<dataDir>/pg`). Defaults to DATA_DIR, else `<repo>/data`. */
  dataDir?: string | undefined;
  /** Embedded PostgreSQL port. Defaults to EMBEDDED_PG_PORT, else 54329 or a free one. */
  embeddedPort?: number | undefined;
  log: DbLog & { debug?(message: string): void };
}

export interface ResolvedDatabase {
  url: string;
  embedded: boolean;
  /** Stops the embedded server this process started; a no-op for an external database. Safe to call twice. */
  stop(): Promise<void>;
}

/** Resolved like the api's config does: src/ and dist/ sit at the same depth under apps/api. */
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

function envPort(): number | undefined {
  const raw = process.env.EMBEDDED_PG_PORT;
  if (raw === undefined || raw === '') return undefined;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`EMBEDDED_PG_PORT must be a port number, got "${raw}"`);
  }
  return port;
}

/** The database the product runs on: DATABASE_URL when set, otherwise an embedded PostgreSQL under the data dir. */
export async function resolveDatabase(options: ResolveDatabaseOptions): Promise<ResolvedDatabase> {
  const url = options.databaseUrl ?? process.env.DATABASE_URL;
  if (url) return { url, embedded: false, stop: async () => {} };

  const embedded = await startEmbeddedPostgres({
    dataDir: options.dataDir ?? path.resolve(repoRoot, process.env.DATA_DIR || 'data'),
    port: options.embeddedPort ?? envPort(),
    log: options.log,
  });
  return { url: embedded.url, embedded: true, stop: embedded.stop };
}
