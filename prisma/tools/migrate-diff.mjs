// Runs `prisma migrate diff` with the dev-only Prisma 6.19 CLI and its WASM schema engine (see prisma6.config.ts).
// Shared by scripts/db-diff.mjs (authoring) and apps/api/test/db/drift.integration.test.ts (drift check).
import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const schemaPath = path.join(root, 'prisma/schema.prisma');
export const migrationsDir = path.join(root, 'prisma/migrations');
const configPath = path.join(root, 'prisma/tools/prisma6.config.ts');
const prismaCli = path.join(root, 'node_modules/prisma6/build/index.js');

/**
 * A PostgreSQL admin URL for the diff (it creates and drops a shadow database there): DIFF_DATABASE_URL,
 * TEST_DATABASE_URL, or the throwaway server of scripts/test-pg.sh, started if needed.
 */
export function diffServerUrl() {
  const given = process.env.DIFF_DATABASE_URL || process.env.TEST_DATABASE_URL;
  if (given) return given;
  const output = execFileSync('bash', [path.join(root, 'scripts/test-pg.sh'), 'start'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = /TEST_DATABASE_URL='([^']+)'/.exec(output)?.[1];
  if (!url) throw new Error(`scripts/test-pg.sh printed no TEST_DATABASE_URL:\n${output}`);
  return url;
}

// Prisma 6 insists on a `url` in the datasource block, which Prisma 7 forbids; the diff gets a copy that has one.
async function schemaForPrisma6(dir, source) {
  const schema = await readFile(source, 'utf8');
  const withUrl = schema.replace(/^(\s*datasource\s+\w+\s*\{)/m, '$1\n  url = env("DIFF_DATABASE_URL")');
  if (withUrl === schema) throw new Error(`No datasource block found in ${source}`);
  const file = path.join(dir, 'schema.prisma');
  await writeFile(file, withUrl);
  return file;
}

/**
 * Diffs `from` against a Prisma schema (default prisma/schema.prisma): { migrations: true } replays prisma/migrations
 * in a shadow database, { empty: true } gives the SQL that creates the whole schema. (With a driver adapter, Prisma 6
 * cannot diff a live database: --from-url is refused.) Resolves to { changed, sql }.
 */
export async function migrateDiff({ from, serverUrl, schema = schemaPath }) {
  const dir = await mkdtemp(path.join(tmpdir(), 'rp-migrate-diff-'));
  try {
    const schemaFile = await schemaForPrisma6(dir, schema);
    const fromArgs = from.migrations ? ['--from-migrations', migrationsDir] : ['--from-empty'];
    const args = [
      prismaCli,
      'migrate',
      'diff',
      '--config',
      configPath,
      ...fromArgs,
      '--to-schema-datamodel',
      schemaFile,
      '--script',
      '--exit-code',
    ];
    const env = {
      ...process.env,
      DIFF_DATABASE_URL: serverUrl ?? diffServerUrl(),
      // The CLI fetches native engines (and their checksums) it does not use with `engine: "js"`; pointing it at any
      // existing file skips every download, so nothing here needs the network.
      PRISMA_SCHEMA_ENGINE_BINARY: process.execPath,
      PRISMA_QUERY_ENGINE_LIBRARY: process.execPath,
      PRISMA_ENGINES_CHECKSUM_IGNORE_MISSING: '1',
      PRISMA_HIDE_UPDATE_MESSAGE: '1',
      CHECKPOINT_DISABLE: '1',
    };
    const { code, stdout, stderr } = await new Promise((resolve, reject) => {
      const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (chunk) => (out += chunk));
      child.stderr.on('data', (chunk) => (err += chunk));
      child.on('error', reject);
      child.on('close', (exitCode) => resolve({ code: exitCode, stdout: out, stderr: err }));
    });
    // --exit-code: 0 empty, 2 changes, anything else an error.
    if (code !== 0 && code !== 2) {
      throw new Error(`prisma migrate diff failed (exit ${code}):\n${stderr.trim() || stdout.trim()}`);
    }
    return { changed: code === 2, sql: stdout };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
