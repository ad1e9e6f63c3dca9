import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from '@playwright/test';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const port = Number(process.env.E2E_PORT || 18080);
export const baseURL = `http://127.0.0.1:${port}`;

const databaseUrl = process.env.E2E_DATABASE_URL;
if (!databaseUrl) {
  throw new Error('E2E_DATABASE_URL must name a fresh, empty PostgreSQL database (scripts/test-all.sh creates one).');
}

// Playwright loads this file in the runner and again in every worker; the env var makes them share one directory.
process.env.E2E_DATA_DIR ||= mkdtempSync(path.join(tmpdir(), 'rp-e2e-data-'));

export default defineConfig({
  testDir: './tests',
  outputDir: './test-results',
  globalTeardown: './global-teardown.ts',
  // One worker: the specs share one server, one admin account and its login rate limit, on a two-core machine.
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  use: {
    baseURL,
    browserName: 'chromium',
    viewport: { width: 1366, height: 800 },
    locale: 'zh-CN',
    screenshot: 'on',
    trace: 'retain-on-failure',
    launchOptions: {
      // Debian's Chromium; Playwright's own browser download does not work on this network.
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  webServer: {
    // The real product: the built API serving the built SPA (`pnpm build` runs first).
    command: 'node apps/api/dist/server.js',
    cwd: root,
    url: `${baseURL}/healthz`,
    // A server left on this port would hold another database's state; refuse it rather than test against it.
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      ADMIN_PASSWORD: 'e2e-Chief-Passw0rd',
      DATA_DIR: process.env.E2E_DATA_DIR,
      LOG_LEVEL: 'warn',
      // Every test signs in from 127.0.0.1, and on a quick run more than the default 10 a minute land in one
      // minute; the per-IP limit itself is tested in apps/api/test/auth.integration.test.ts.
      LOGIN_RATE_LIMIT_PER_MINUTE: '120',
      // Webhook URLs shown in the browser point back at this server, where the spec delivers to them.
      PUBLIC_URL: baseURL,
      // The stand-in DingTalk robot of the alerts spec listens on the loopback.
      GIT_ALLOW_PRIVATE_HOSTS: 'true',
    },
  },
});
