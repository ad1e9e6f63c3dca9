import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createSampleAppRepo, freePort, readHost, startSshHosts, type SampleAppRepo, type SshHosts } from '@rp/deploy-engine/testing';
import type { APIRequestContext } from '@playwright/test';
import { ADMIN, expect, signIn, test } from '../fixtures.js';

/**
 * The gray release an operator does every day, in the browser against the real product: two real sshd hosts, the
 * sample app's repository, a first batch of one server, a manual pause, continue, success, then a roll back from the
 * history. Resources are registered over the API (their management pages come later); everything about the release
 * itself happens on the release pages.
 */
let hosts: SshHosts;
let repo: SampleAppRepo;
const mount = `/tmp/rp-e2e-deploy-${randomBytes(4).toString('hex')}`;

test.beforeAll(async () => {
  hosts = await startSshHosts(2, { deployMount: mount });
  repo = createSampleAppRepo();
  for (const h of hosts.hosts) {
    mkdirSync(path.join(h.deployRoot, 'app/shared'), { recursive: true });
    writeFileSync(path.join(h.deployRoot, 'app/shared/port'), `${await freePort()}\n`);
  }
});

test.afterAll(async () => {
  await hosts?.stopAll();
  repo?.remove();
  rmSync(mount, { recursive: true, force: true });
});

async function api(request: APIRequestContext, token: string, method: 'GET' | 'POST', url: string, data?: object) {
  const response = await request.fetch(url, { method, headers: { authorization: `Bearer ${token}` }, ...(data ? { data } : {}) });
  expect(response.status(), `${method} ${url}: ${await response.text()}`).toBeLessThan(300);
  return response.json();
}

async function register(request: APIRequestContext) {
  const login = await request.post('/api/auth/login', { data: ADMIN });
  const { token } = await login.json();
  const group = await api(request, token, 'POST', '/api/groups', { name: `e2e-${randomBytes(3).toString('hex')}` });
  const key = await api(request, token, 'POST', '/api/credentials', { groupId: group.id, name: 'deploy-key', kind: 'ssh_key', privateKey: hosts.hosts[0]?.privateKey });
  const serverIds: string[] = [];
  for (const [i, h] of hosts.hosts.entries()) {
    const server = await api(request, token, 'POST', '/api/servers', { groupId: group.id, name: `web-${i + 1}`, host: h.host, port: h.port, username: h.username, credentialId: key.id });
    await api(request, token, 'POST', `/api/servers/${server.id}/test`);
    serverIds.push(server.id);
  }
  const port = '"$(cat "$DEPLOY_PATH/shared/port")"';
  const project = await api(request, token, 'POST', '/api/projects', {
    groupId: group.id,
    name: 'sample-app',
    gitUrl: repo.url,
    preset: 'nodejs',
    buildCommand: 'printf "%s\\n" "$COMMIT" > REVISION',
    artifactPaths: [],
    restartCommand: `PORT=${port} sh bin/restart.sh`,
    healthCheck: { type: 'command', command: `curl -fsS "http://127.0.0.1:${port.slice(1, -1)}/health"`, retries: 20, intervalSeconds: 1, timeoutSeconds: 5 },
  });
  const environment = await api(request, token, 'POST', `/api/projects/${project.id}/environments`, {
    name: 'prod',
    deployPath: `${mount}/app`,
    serverIds,
    rollout: { strategy: 'batches', batches: [1, '100%'], betweenBatches: { mode: 'manual' } },
  });
  return { token, project, environment };
}

const current = (i: number) => readHost(path.join(hosts.hosts[i]?.deployRoot ?? '', 'app')).current;

test('a gray release pauses after the first server, continues, succeeds, and rolls back from the history', async ({ page, request }, testInfo) => {
  test.setTimeout(180_000);
  const { token, project, environment } = await register(request);

  await page.goto(`/release/new?project=${project.id}&env=${environment.id}&ref=main`);
  await signIn(page, ADMIN.username, ADMIN.password);
  await expect(page.getByTestId('release-form')).toBeVisible();
  await page.getByTestId('form-submit').click();

  await expect(page).toHaveURL(/\/releases\/[0-9a-f-]{36}$/);
  const firstId = page.url().split('/').at(-1) as string;
  await expect(page.getByTestId('state-paused')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('target-web-1')).toBeVisible();
  await expect(page.getByTestId('log-line').first()).toBeVisible();
  expect([current(0), current(1)]).toEqual([firstId, null]);
  await page.screenshot({ path: testInfo.outputPath('release-paused.png'), fullPage: true });

  await page.getByTestId('action-continue').click();
  await expect(page.getByTestId('state-succeeded')).toBeVisible({ timeout: 60_000 });
  expect([current(0), current(1)]).toEqual([firstId, firstId]);
  await page.screenshot({ path: testInfo.outputPath('release-succeeded.png'), fullPage: true });

  // A second version ships (over the API, continuing its pause the same way), then we roll back to the first.
  repo.addCommit({ message: 'second version' });
  const second = await api(request, token, 'POST', '/api/releases', { environmentId: environment.id, ref: 'main' });
  await expect.poll(async () => (await api(request, token, 'GET', `/api/releases/${second.id}`)).state, { timeout: 60_000 }).toBe('paused');
  await api(request, token, 'POST', `/api/releases/${second.id}/continue`);
  await expect.poll(async () => (await api(request, token, 'GET', `/api/releases/${second.id}`)).state, { timeout: 60_000 }).toBe('succeeded');
  expect([current(0), current(1)]).toEqual([second.id, second.id]);

  await page.goto(`/releases/${firstId}`);
  await page.getByTestId('action-rollback').click();
  await page.locator('.el-message-box__btns .el-button--primary').click();
  await expect(page).not.toHaveURL(new RegExp(`${firstId}$`));
  // The rollback follows the environment's rollout too: one server, a pause, then the rest.
  await expect(page.getByTestId('state-paused')).toBeVisible({ timeout: 60_000 });
  await page.getByTestId('action-continue').click();
  await expect(page.getByTestId('state-succeeded')).toBeVisible({ timeout: 60_000 });
  expect([current(0), current(1)]).toEqual([firstId, firstId]);
  await page.screenshot({ path: testInfo.outputPath('rollback-succeeded.png'), fullPage: true });
});
