import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { FastifyBaseLogger, FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/app.js';
import { createPasswordHasher } from '../../src/shared/passwords.js';
import { loadConfig, type Config } from '../../src/config.js';
import type { GroupRole } from '../../src/generated/prisma/enums.js';
import { createDb, type Db } from '../../src/shared/db.js';
import { loadMasterKey } from '../../src/shared/master-key.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

export interface TestApp {
  app: FastifyInstance;
  db: Db;
  database: TestDatabase;
  config: Config;
  /** app.inject with a bearer token. */
  call(token: string | null, options: InjectOptions): Promise<LightMyRequestResponse>;
  createUser(opts?: { isAdmin?: boolean; groupId?: string; role?: GroupRole; password?: string; disabled?: boolean }): Promise<TestUser>;
  createGroup(name?: string): Promise<{ id: string; name: string }>;
  login(username: string, password: string): Promise<string>;
  close(): Promise<void>;
}

export interface TestUser {
  id: string;
  username: string;
  password: string;
  token: string;
}

const hasher = createPasswordHasher(4);
const unique = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;

export async function buildTestApp(env: Record<string, string> = {}, { logger }: { logger?: FastifyBaseLogger } = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  const config = loadConfig({
    DATA_DIR: mkdtempSync(path.join(tmpdir(), 'rp-api-test-')),
    WEB_DIST: path.join(tmpdir(), 'rp-no-web-ui'),
    LOGIN_RATE_LIMIT_PER_MINUTE: '10000',
    // Tests that need the worker turn it on; the others must not have one claiming their rows.
    WORKER_ENABLED: 'false',
    // Tests keep their repositories on disk and their Git servers on loopback; the policy's own tests turn these off.
    ALLOW_FILE_GIT_URLS: 'true',
    GIT_ALLOW_PRIVATE_HOSTS: 'true',
    ...env,
  });
  const db = createDb(database.url);
  const masterKey = await loadMasterKey({ secretKey: config.secretKey, dataDir: config.dataDir });
  const app = await buildApp({ config, db, databaseUrl: database.url, masterKey, hasher, logger });
  await app.ready();

  const call: TestApp['call'] = (token, options) =>
    app.inject({ ...options, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...options.headers } });

  const login = async (username: string, password: string) => {
    const response = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
    if (response.statusCode !== 200) throw new Error(`login ${username} failed: ${response.statusCode} ${response.body}`);
    return (response.json() as { token: string }).token;
  };

  const createUser: TestApp['createUser'] = async (opts = {}) => {
    const username = unique('user');
    const password = opts.password ?? `pw-${randomBytes(6).toString('hex')}`;
    const user = await db.user.create({
      data: { username, displayName: username, isAdmin: opts.isAdmin ?? false, passwordHash: await hasher.hash(password) },
    });
    if (opts.groupId && opts.role) await db.membership.create({ data: { groupId: opts.groupId, userId: user.id, role: opts.role } });
    const token = opts.disabled ? '' : await login(username, password);
    if (opts.disabled) await db.user.update({ where: { id: user.id }, data: { disabled: true } });
    return { id: user.id, username, password, token };
  };

  const createGroup = async (name = unique('group')) => db.group.create({ data: { name }, select: { id: true, name: true } });

  return {
    app,
    db,
    database,
    config,
    call,
    createUser,
    createGroup,
    login,
    close: async () => {
      await app.close();
      await db.$disconnect();
      await database.drop();
    },
  };
}
