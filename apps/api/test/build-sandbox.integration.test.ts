import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../src/config.js';
import { createReleaseWorker } from '../src/runs/worker.js';
import { dropSecretsFromEnvironment, loadMasterKey } from '../src/shared/master-key.js';
import { buildTestApp, type TestApp } from './helpers/test-app.js';
import { releaseFixture, waitForState, type ReleaseFixture } from './helpers/release-fixture.js';

/**
 * The attack from issue 10, through the real path: a group owner (not an admin) sets the project's build command to
 * read the platform's secrets, releases, and reads the log. With the sandbox the build finds none of them.
 */
describe("a group owner's build command cannot read the platform's secrets", () => {
  const adminPassword = `admin-pw-${process.pid}-do-not-leak`;
  let t: TestApp;
  let f: ReleaseFixture;
  let key: string;

  beforeAll(async () => {
    process.env.ADMIN_PASSWORD = adminPassword;
    t = await buildTestApp({ WORKER_ENABLED: 'true', WORKER_HEARTBEAT_SECONDS: '1' });
    f = await releaseFixture(t, { hosts: 1, requireApproval: false });
    key = readFileSync(path.join(t.config.dataDir, 'secret.key'), 'utf8').trim();
  });
  afterAll(async () => {
    delete process.env.ADMIN_PASSWORD;
    await t?.close();
    await f?.cleanup();
  });

  it('cat secret.key, /proc/1/environ, env and the platform repository: nothing', async () => {
    const data = t.config.dataDir;
    const buildCommand = [
      `echo "== key"; cat "${data}/secret.key" 2>&1`,
      `echo "== data"; ls -a "${data}" "${t.config.workDir}" 2>&1`,
      'echo "== proc1"; cat /proc/1/environ 2>&1',
      'echo "== env"; env; echo "admin=$ADMIN_PASSWORD"',
      `echo "== repo"; cat "${path.join(repoRoot, 'package.json')}" 2>&1`,
      'exit 3',
    ].join('\n');
    const patched = await t.call(f.owner.token, { method: 'PATCH', url: `/api/projects/${f.projectId}`, payload: { buildCommand } });
    expect(patched.statusCode, patched.body).toBe(200);

    const created = await t.call(f.owner.token, { method: 'POST', url: '/api/releases', payload: { environmentId: f.environmentId, ref: 'main' } });
    expect(created.statusCode, created.body).toBe(201);
    const done = await waitForState(t, f.owner.token, created.json().id, ['succeeded', 'failed', 'aborted', 'interrupted']);
    expect(done.state).toBe('failed');

    const log = (await t.call(f.owner.token, { method: 'GET', url: `/api/releases/${done.id}/logs.txt` })).body;
    expect(log).toContain('== key');
    expect(log).toMatch(/secret\.key: No such file/);
    expect(log).toMatch(/ls: cannot access .*No such file/);
    expect(log).toMatch(/admin=$/m);
    expect(log).toMatch(/package\.json: No such file/);
    expect(log).not.toContain(key);
    expect(log).not.toContain(adminPassword);
    expect(log).not.toContain('DATABASE_URL');
    expect(JSON.stringify(done)).not.toContain(key);
  });
});

describe('start-up', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  const worker = (config: TestApp['config'], log = t.app.log) =>
    createReleaseWorker({ config, db: t.db, subscriber: t.app.subscriber, secrets: t.app.secrets, transport: t.app.ssh, log });

  it('a worker refuses to start when bwrap fails its probe (here: no user namespaces)', async () => {
    const fake = mkdtempSync(path.join(tmpdir(), 'rp-fake-bwrap-'));
    writeFileSync(path.join(fake, 'bwrap'), '#!/bin/sh\necho "bwrap: setting up uid map: Permission denied" >&2\nexit 1\n');
    chmodSync(path.join(fake, 'bwrap'), 0o755);
    const saved = process.env.PATH;
    process.env.PATH = `${fake}:${saved}`;
    try {
      await expect(worker(t.config).start()).rejects.toThrow(/build sandbox does not work .*uid map.*BUILD_SANDBOX=off/);
    } finally {
      process.env.PATH = saved;
      rmSync(fake, { recursive: true, force: true });
    }
  });

  it('a worker refuses to start when bwrap is missing', async () => {
    const saved = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      await expect(worker(t.config).start()).rejects.toThrow(/build sandbox does not work .*ENOENT/);
    } finally {
      process.env.PATH = saved;
    }
  });

  it('with BUILD_SANDBOX=off it starts and warns loudly', async () => {
    const warnings: string[] = [];
    const log = { ...t.app.log, info: () => undefined, error: () => undefined, warn: (m: string) => warnings.push(m) };
    const w = worker({ ...t.config, buildSandbox: { mode: 'off' } }, log as unknown as typeof t.app.log);
    await w.start();
    await w.stop();
    expect(warnings.join('\n')).toMatch(/BUILD_SANDBOX=off: build commands and checkout hooks run UNSANDBOXED/);
  });
});

describe("the platform's own secrets", () => {
  const mode = (p: string) => statSync(p).mode & 0o7777;

  it('a new DATA_DIR is 0700 and its secret.key 0600', async () => {
    const dataDir = path.join(mkdtempSync(path.join(tmpdir(), 'rp-datadir-')), 'data');
    await loadMasterKey({ secretKey: undefined, dataDir });
    expect(mode(dataDir)).toBe(0o700);
    expect(mode(path.join(dataDir, 'secret.key'))).toBe(0o600);
  });

  it('an existing DATA_DIR others could list is closed at start, keeping only the pass-through bit', async () => {
    const dataDir = path.join(mkdtempSync(path.join(tmpdir(), 'rp-datadir-')), 'data');
    mkdirSync(dataDir, { mode: 0o755 });
    chmodSync(dataDir, 0o755);
    writeFileSync(path.join(dataDir, 'secret.key'), `${Buffer.alloc(32, 7).toString('base64')}\n`, { mode: 0o644 });
    chmodSync(path.join(dataDir, 'secret.key'), 0o644);
    await loadMasterKey({ secretKey: undefined, dataDir });
    expect(mode(dataDir)).toBe(0o711);
    expect(mode(path.join(dataDir, 'secret.key'))).toBe(0o600);
  });

  it('SECRET_KEY and ADMIN_PASSWORD leave the process environment', () => {
    process.env.SECRET_KEY = 'k';
    process.env.ADMIN_PASSWORD = 'p';
    dropSecretsFromEnvironment();
    expect(process.env.SECRET_KEY).toBeUndefined();
    expect(process.env.ADMIN_PASSWORD).toBeUndefined();
  });
});
