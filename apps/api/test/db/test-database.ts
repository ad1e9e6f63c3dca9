import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const testPgScript = fileURLToPath(new URL('../../../../scripts/test-pg.sh', import.meta.url));

/**
 * The admin URL of the test PostgreSQL server: TEST_DATABASE_URL, or a server started (or reused) by
 * scripts/test-pg.sh so a single test file can run on its own.
 */
export function testServerUrl(): string {
  if (process.env.TEST_DATABASE_URL) return process.env.TEST_DATABASE_URL;
  const output = execFileSync('bash', [testPgScript, 'start'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const url = /TEST_DATABASE_URL='([^']+)'/.exec(output)?.[1];
  if (!url) throw new Error(`scripts/test-pg.sh printed no TEST_DATABASE_URL:\n${output}`);
  process.env.TEST_DATABASE_URL = url;
  return url;
}

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** A fresh, uniquely named database on the test server; drop() removes it even if connections are still open. */
export async function createTestDatabase(prefix = 'rp_test'): Promise<TestDatabase> {
  const serverUrl = testServerUrl();
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(name)}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async drop() {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
