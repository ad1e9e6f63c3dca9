import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { defaultSshThreads, type SandboxSettings } from '@rp/deploy-engine';
import { parseGroupMap, type GroupRule } from './auth/ldap/mapping.js';

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
  /** PUBLIC_URL: the platform's address as GitLab (webhooks) reaches it, without a trailing slash; null when unset. */
  publicUrl: string | null;
  webDist: string;
  embeddedPgPort: number | undefined;
  workerEnabled: boolean;
  workerConcurrency: number;
  workerHeartbeatSeconds: number;
  workerStaleSeconds: number;
  sshThreads: number;
  /** One long-lived `sh` per host for a run's commands instead of an SSH exec (and login shell) each. */
  sshSessions: boolean;
  /** How long a run's SSH connections stay open for the next run to the same servers (0: closed at once). */
  sshReuseSeconds: number;
  workDir: string;
  logRetentionDays: number;
  /** GIT_SYNC_INTERVAL_MINUTES: the worker's incremental sync of Git platforms' projects; 0 turns it off. */
  gitSyncIntervalMinutes: number;
  authCacheSeconds: number;
  /** How long a release list page or `/api/auth/me` may be served again (ms); any change drops it sooner. */
  readCacheMs: number;
  /** BUILD_*: where builds and checkout hooks run (README, "Build sandbox"). */
  buildSandbox: SandboxSettings;
  /** How often every open live socket's access is checked again, besides the checks on access changes. */
  wsRecheckSeconds: number;
  loginLockoutThreshold: number;
  loginLockoutMinutes: number;
  /** Directory login; null when LDAP_URL is unset. */
  ldap: LdapConfig | null;
  /** ALLOW_FILE_GIT_URLS: file:// Git URLs for everyone, not only administrators. */
  allowFileGitUrls: boolean;
  /** GIT_ALLOW_PRIVATE_HOSTS: false → public Git hosts only; unset or private → also private ranges; true → also loopback. */
  gitPrivateHosts: 'refuse' | 'private' | 'all';
  /** NOTIFY_*: delivery of notifications by the worker (see notifications/notifier.ts). */
  notify: { timeoutMs: number; retryBaseMs: number; maxAttempts: number };
  /** METRICS_TOKEN: the bearer token `/metrics` asks for; unset, it answers loopback clients only. */
  metricsToken: string | undefined;
}

export interface LdapConfig {
  url: string;
  /** The service account that searches users and groups (both set, or neither: anonymous search). */
  bindDn: string | undefined;
  bindPassword: string | undefined;
  searchBase: string;
  /** With `{{username}}`, replaced by the typed name escaped per RFC 4515. */
  userFilter: string;
  /** An entry that also matches this filter is a disabled account. */
  disabledFilter: string | undefined;
  /** With `{{dn}}` / `{{username}}`: groups are searched; without it the user's memberOf attribute is read. */
  groupFilter: string | undefined;
  groupSearchBase: string;
  startTls: boolean;
  tlsCaFile: string | undefined;
  tlsRejectUnauthorized: boolean;
  attributes: { username: string; displayName: string; email: string };
  groupMap: GroupRule[];
  /** 0 turns the periodic sync off. */
  syncMinutes: number;
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

function bool(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

function nonEmpty(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const raw = env[name];
  return raw === undefined || raw === '' ? undefined : raw;
}

function ldapConfig(env: NodeJS.ProcessEnv): LdapConfig | null {
  const url = nonEmpty(env, 'LDAP_URL');
  if (!url) return null;
  if (!/^ldaps?:\/\/[^/]/i.test(url)) throw new ConfigError(`LDAP_URL must start with ldap:// or ldaps://, got "${url}"`);
  const searchBase = nonEmpty(env, 'LDAP_SEARCH_BASE');
  if (!searchBase) throw new ConfigError('LDAP_SEARCH_BASE is required with LDAP_URL');
  const userFilter = env.LDAP_USER_FILTER || '(uid={{username}})';
  if (!userFilter.includes('{{username}}')) throw new ConfigError('LDAP_USER_FILTER must contain {{username}}');
  const startTls = bool(env, 'LDAP_STARTTLS', false);
  if (startTls && url.toLowerCase().startsWith('ldaps:')) throw new ConfigError('LDAP_STARTTLS is for ldap:// URLs; ldaps:// is TLS already');
  const bindDn = nonEmpty(env, 'LDAP_BIND_DN');
  const bindPassword = nonEmpty(env, 'LDAP_BIND_PASSWORD');
  // A DN with an empty password is an unauthenticated bind: the search would run anonymously without saying so.
  if (bindDn && !bindPassword) throw new ConfigError('LDAP_BIND_PASSWORD is required with LDAP_BIND_DN');
  let groupMap: GroupRule[];
  try {
    groupMap = parseGroupMap(env.LDAP_GROUP_MAP);
  } catch (error) {
    throw new ConfigError(`LDAP_GROUP_MAP: ${(error as Error).message}`);
  }
  return {
    url,
    bindDn,
    bindPassword,
    searchBase,
    userFilter,
    disabledFilter: env.LDAP_DISABLED_FILTER === undefined ? '(pwdAccountLockedTime=*)' : nonEmpty(env, 'LDAP_DISABLED_FILTER'),
    groupFilter: nonEmpty(env, 'LDAP_GROUP_FILTER'),
    groupSearchBase: nonEmpty(env, 'LDAP_GROUP_SEARCH_BASE') ?? searchBase,
    startTls,
    tlsCaFile: nonEmpty(env, 'LDAP_TLS_CA_FILE'),
    tlsRejectUnauthorized: bool(env, 'LDAP_TLS_REJECT_UNAUTHORIZED', true),
    attributes: {
      username: env.LDAP_ATTR_USERNAME || 'uid',
      displayName: env.LDAP_ATTR_DISPLAY_NAME || 'cn',
      email: env.LDAP_ATTR_EMAIL || 'mail',
    },
    groupMap,
    syncMinutes: int(env, 'LDAP_SYNC_MINUTES', 15, 0, 7 * 24 * 60),
  };
}

/** The address webhooks are given: http(s), no user, query or fragment; a sub-path is fine. */
function publicUrl(raw: string | undefined): string | null {
  if (raw === undefined || raw.trim() === '') return null;
  const url = URL.canParse(raw) ? new URL(raw) : null;
  if (!url || !/^https?:$/.test(url.protocol) || url.username || url.password || url.search || url.hash) {
    throw new ConfigError(`PUBLIC_URL must be an http:// or https:// address without user, query or fragment, got "${raw}"`);
  }
  return raw.replace(/\/+$/, '');
}

function gitPrivateHosts(raw: string | undefined): Config['gitPrivateHosts'] {
  if (raw === undefined || raw === '' || raw === 'private') return 'private';
  if (raw === 'true' || raw === '1') return 'all';
  if (raw === 'false' || raw === '0') return 'refuse';
  throw new ConfigError(`GIT_ALLOW_PRIVATE_HOSTS must be true, private or false, got "${raw}"`);
}

function buildSandbox(env: NodeJS.ProcessEnv): SandboxSettings {
  const mode = env.BUILD_SANDBOX || 'bwrap';
  const timeoutSeconds = int(env, 'BUILD_TIMEOUT_SECONDS', 3600, 10, 7 * 24 * 3600);
  if (mode === 'off') return { mode: 'off', timeoutSeconds };
  if (mode !== 'bwrap') throw new ConfigError(`BUILD_SANDBOX must be bwrap or off, got "${mode}"`);
  const network = env.BUILD_NETWORK || 'on';
  if (network !== 'on' && network !== 'off') throw new ConfigError(`BUILD_NETWORK must be on or off, got "${network}"`);
  return {
    mode,
    uid: int(env, 'BUILD_UID', 65534, 1, 2 ** 32 - 2),
    gid: int(env, 'BUILD_GID', 65534, 1, 2 ** 32 - 2),
    network: network === 'on',
    cpuSeconds: int(env, 'BUILD_CPU_SECONDS', 3600, 1, 7 * 24 * 3600),
    memoryMb: int(env, 'BUILD_MEMORY_MB', 4096, 64, 1024 * 1024),
    timeoutSeconds,
  };
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
    publicUrl: publicUrl(env.PUBLIC_URL),
    webDist: path.resolve(repoRoot, env.WEB_DIST || 'apps/web/dist'),
    embeddedPgPort: embeddedPort === undefined ? undefined : int(env, 'EMBEDDED_PG_PORT', 0, 1, 65535),
    workerEnabled: env.WORKER_ENABLED !== 'false' && env.WORKER_ENABLED !== '0',
    workerConcurrency: int(env, 'WORKER_CONCURRENCY', 4, 1, 64),
    workerHeartbeatSeconds: int(env, 'WORKER_HEARTBEAT_SECONDS', 5, 1, 300),
    workerStaleSeconds: int(env, 'WORKER_STALE_SECONDS', 30, 2, 3600),
    // Encrypting uploads to many servers is CPU work; one thread per core spreads it (0 keeps SSH in the main thread).
    sshThreads: int(env, 'SSH_THREADS', defaultSshThreads(), 0, 64),
    sshSessions: bool(env, 'SSH_SESSIONS', true),
    sshReuseSeconds: int(env, 'SSH_REUSE_SECONDS', 30, 0, 3600),
    logRetentionDays: int(env, 'LOG_RETENTION_DAYS', 30, 1, 3650),
    gitSyncIntervalMinutes: int(env, 'GIT_SYNC_INTERVAL_MINUTES', 10, 0, 10_080),
    // A few seconds: every change to someone's access drops their entries at once anyway (0 turns the cache off).
    authCacheSeconds: int(env, 'AUTH_CACHE_SECONDS', 5, 0, 60),
    readCacheMs: int(env, 'READ_CACHE_MS', 1000, 0, 1000),
    buildSandbox: buildSandbox(env),
    wsRecheckSeconds: int(env, 'WS_RECHECK_SECONDS', 60, 1, 3600),
    workDir: path.resolve(repoRoot, env.WORK_DIR || path.join(env.DATA_DIR || 'data', 'work')),
    // Login hardening and directory login (auth/): per-account lockout on top of the per-IP rate limit, then LDAP.
    loginLockoutThreshold: int(env, 'LOGIN_LOCKOUT_THRESHOLD', 5, 1, 1000),
    loginLockoutMinutes: int(env, 'LOGIN_LOCKOUT_MINUTES', 15, 1, 24 * 60),
    ldap: ldapConfig(env),
    // Where Git URLs may point (projects/git-policy.ts).
    allowFileGitUrls: env.ALLOW_FILE_GIT_URLS === 'true' || env.ALLOW_FILE_GIT_URLS === '1',
    gitPrivateHosts: gitPrivateHosts(env.GIT_ALLOW_PRIVATE_HOSTS),
    // Six attempts 15 s apart doubling: the last one about 8 minutes after the first, so a robot down for five
    // minutes still gets its messages.
    notify: {
      timeoutMs: int(env, 'NOTIFY_TIMEOUT_SECONDS', 10, 1, 120) * 1000,
      retryBaseMs: int(env, 'NOTIFY_RETRY_BASE_MS', 15_000, 50, 3_600_000),
      maxAttempts: int(env, 'NOTIFY_MAX_ATTEMPTS', 6, 1, 20),
    },
    metricsToken: nonEmpty(env, 'METRICS_TOKEN'),
  };
}
