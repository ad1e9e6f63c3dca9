import { fileURLToPath } from 'node:url';
import { availableParallelism } from 'node:os';
import path from 'node:path';

/** Repository root: src/ and dist/ sit at the same depth under apps/api, so one relative URL serves both. */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

export interface Config {
  host: string;
  port: number;
  databaseUrl: string | undefined;
  dataDir: string;
  secretKey: string | undefined;
  adminPassword: string | undefined;
  jwtExpiresInSeconds: number;
  passwordHashRounds: number;
  loginRateLimitPerMinute: number;
  logLevel: string;
  trustProxy: boolean;
  webDist: string;
  embeddedPgPort: number | undefined;
  workerEnabled: boolean;
  workerConcurrency: number;
  workerHeartbeatSeconds: number;
  workerStaleSeconds: number;
  sshThreads: number;
  workDir: string;
  logRetentionDays: number;
}

export class ConfigError extends Error {}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer between ${min} and ${max}, got "${raw}"`);
  }
  return value;
}

function nonEmpty(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const raw = env[name];
  return raw === undefined || raw === '' ? undefined : raw;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const embeddedPort = nonEmpty(env, 'EMBEDDED_PG_PORT');
  return {
    host: env.HOST || '127.0.0.1',
    port: int(env, 'PORT', 8080, 0, 65535),
    databaseUrl: nonEmpty(env, 'DATABASE_URL'),
    dataDir: path.resolve(repoRoot, env.DATA_DIR || 'data'),
    secretKey: nonEmpty(env, 'SECRET_KEY'),
    adminPassword: nonEmpty(env, 'ADMIN_PASSWORD'),
    jwtExpiresInSeconds: int(env, 'JWT_EXPIRES_IN_SECONDS', 12 * 3600, 60, 30 * 24 * 3600),
    passwordHashRounds: int(env, 'PASSWORD_HASH_ROUNDS', 12, 4, 15),
    loginRateLimitPerMinute: int(env, 'LOGIN_RATE_LIMIT_PER_MINUTE', 10, 1, 10_000),
    logLevel: env.LOG_LEVEL || 'info',
    trustProxy: env.TRUST_PROXY === 'true' || env.TRUST_PROXY === '1',
    webDist: path.resolve(repoRoot, env.WEB_DIST || 'apps/web/dist'),
    embeddedPgPort: embeddedPort === undefined ? undefined : int(env, 'EMBEDDED_PG_PORT', 0, 1, 65535),
    workerEnabled: env.WORKER_ENABLED !== 'false' && env.WORKER_ENABLED !== '0',
    workerConcurrency: int(env, 'WORKER_CONCURRENCY', 4, 1, 64),
    workerHeartbeatSeconds: int(env, 'WORKER_HEARTBEAT_SECONDS', 5, 1, 300),
    workerStaleSeconds: int(env, 'WORKER_STALE_SECONDS', 30, 2, 3600),
    // Encrypting uploads to many servers is CPU work; one thread per core spreads it (0 keeps SSH in the main thread).
    sshThreads: int(env, 'SSH_THREADS', Math.min(availableParallelism(), 8), 0, 64),
    logRetentionDays: int(env, 'LOG_RETENTION_DAYS', 30, 1, 3650),
    workDir: path.resolve(repoRoot, env.WORK_DIR || path.join(env.DATA_DIR || 'data', 'work')),
  };
}
