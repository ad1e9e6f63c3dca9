import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from '../src/config.js';

/**
 * The admin URL of a PostgreSQL server for a bench: TEST_DATABASE_URL when set, else a throwaway cluster from
 * scripts/test-pg.sh. `stop` is set only when this call started the cluster (one started by tests running beside
 * us is theirs to stop).
 */
export function postgresServer(): { url: string; stop?: () => void } {
  if (process.env.TEST_DATABASE_URL) return { url: process.env.TEST_DATABASE_URL };
  const script = path.join(repoRoot, 'scripts/test-pg.sh');
  const result = spawnSync('bash', [script, 'start'], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`scripts/test-pg.sh start failed:\n${result.stderr}`);
  const url = /TEST_DATABASE_URL='([^']+)'/.exec(result.stdout)?.[1];
  const dir = /TEST_PG_DIR='([^']+)'/.exec(result.stdout)?.[1];
  if (!url || !dir) throw new Error(`scripts/test-pg.sh printed no URL:\n${result.stdout}`);
  process.env.TEST_DATABASE_URL = url;
  return /started PostgreSQL/.test(result.stderr) ? { url, stop: () => void spawnSync('bash', [script, 'stop', dir]) } : { url };
}
