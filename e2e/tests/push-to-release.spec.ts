import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { readHost } from '@rp/deploy-engine/testing';
import { expect, signIn, ADMIN, test } from '../fixtures.js';
import { adminApi } from '../helpers/api.js';
import { snap } from '../helpers/element.js';
import { startSampleHosts, type SampleHosts } from '../helpers/sample-hosts.js';

/**
 * Push to release, seen in the browser: an owner turns on auto-release for `prod` and sets up a GitLab webhook by hand
 * (URL and secret shown once); the test then plays GitLab and delivers a push whose head commit says "devops". The
 * delivery appears on the project page with the release it made, and that release is followed live to success across
 * two real sshd hosts, pausing between its batches.
 */
let sample: SampleHosts;

test.beforeAll(async () => {
  sample = await startSampleHosts(2, 'rp-e2e-push');
});

test.afterAll(async () => {
  await sample?.stop();
});

test('a push with the keyword releases by itself, and the release is followed live', async ({ page, request }, testInfo) => {
  test.setTimeout(120_000);
  const api = await adminApi(request);
  const group = await api.post<{ id: string }>('/api/groups', { name: `e2e-push-${randomBytes(3).toString('hex')}` });
  const { hosts, repo } = sample;
  const first = hosts.hosts[0];
  if (!first) throw new Error('no ssh host');
  const key = await api.post<{ id: string }>('/api/credentials', { groupId: group.id, name: 'deploy-key', kind: 'ssh_key', privateKey: first.privateKey });
  const serverIds: string[] = [];
  for (const [i, h] of hosts.hosts.entries()) {
    const server = await api.post<{ id: string }>('/api/servers', { groupId: group.id, name: `web-${i + 1}`, host: h.host, port: h.port, username: h.username, credentialId: key.id });
    await api.post(`/api/servers/${server.id}/test`);
    serverIds.push(server.id);
  }
  const port = '"$(cat "$DEPLOY_PATH/shared/port")"';
  const project = await api.post<{ id: string }>('/api/projects', {
    groupId: group.id,
    name: 'shop',
    gitUrl: repo.url,
    preset: 'shell',
    buildCommand: 'printf "%s\\n" "$COMMIT" > REVISION',
    artifactPaths: [],
    restartCommand: `PORT=${port} sh bin/restart.sh`,
    healthCheck: { type: 'command', command: `curl -fsS "http://127.0.0.1:${port.slice(1, -1)}/health"`, retries: 20, intervalSeconds: 1, timeoutSeconds: 5 },
  });
  await api.post(`/api/projects/${project.id}/environments`, {
    name: 'prod',
    deployPath: sample.deployPath,
    serverIds,
    rollout: { strategy: 'batches', batches: [1, '100%'], betweenBatches: { mode: 'manual' } },
  });

  await page.goto('/');
  await signIn(page, ADMIN.username, ADMIN.password);
  await expect(page).not.toHaveURL(/\/login/);
  await page.goto(`/projects/${project.id}`);

  // Auto-release on, for main, with the default keyword.
  await page.getByTestId('env-more-prod').click();
  await page.getByTestId('env-edit-prod').click();
  await expect(page.getByTestId('environment-form')).toBeVisible();
  await page.getByTestId('env-form-auto-enabled').click();
  // Turning it on fills in the project's default branch.
  await expect(page.locator('.el-input-tag', { has: page.getByTestId('env-form-auto-branches') })).toContainText('main');
  await expect(page.getByTestId('env-form-auto-keyword')).toHaveAttribute('placeholder', 'devops');
  await snap(page, testInfo, 'auto-release-form');
  await page.getByTestId('env-form-save').click();
  await expect(page.getByTestId('environment-form')).toBeHidden();
  await expect(page.getByTestId('env-auto-prod')).toContainText('main');

  // A GitLab webhook by hand: the URL and secret are shown once.
  await page.locator('#tab-webhook').click();
  await page.getByTestId('webhook-kind-gitlab').click();
  await page.getByTestId('webhook-add').click();
  const setup = page.getByTestId('webhook-setup');
  await expect(setup).toBeVisible();
  const url = (await page.getByTestId('webhook-setup-url').innerText()).trim();
  const secret = (await page.getByTestId('webhook-setup-secret').innerText()).trim();
  expect(url).toMatch(/\/api\/webhooks\/gitlab\/[0-9a-f-]{36}$/);
  expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
  await snap(page, testInfo, 'webhook-setup');
  await page.getByTestId('webhook-setup-close').click();
  await expect(page.getByTestId('webhook-hook')).toBeVisible();

  // The test plays GitLab: a push to main whose head commit holds the keyword.
  const before = repo.commits.at(-1);
  const head = repo.addCommit({ message: 'Fix the basket total [devops]' });
  const delivered = await request.post(url, {
    headers: { 'x-gitlab-token': secret, 'x-gitlab-event': 'Push Hook', 'x-gitlab-event-uuid': randomUUID() },
    data: { object_kind: 'push', ref: 'refs/heads/main', before, after: head, checkout_sha: head, user_username: 'alice', commits: [{ id: head, message: 'Fix the basket total [devops]\n' }], total_commits_count: 1 },
  });
  expect(delivered.status()).toBe(200);
  const answer = (await delivered.json()) as { outcome: string; releaseIds: string[] };
  expect(answer.outcome).toBe('released');
  const [releaseId] = answer.releaseIds;

  // The delivery is listed with what it made; its release is followed live.
  await page.getByTestId('webhook-deliveries-refresh').click();
  const link = page.getByTestId(`webhook-release-${releaseId}`);
  await expect(link).toBeVisible();
  await snap(page, testInfo, 'webhook-deliveries');
  await link.click();
  await expect(page).toHaveURL(new RegExp(`/releases/${releaseId}$`));
  await expect(page.getByTestId('live-connection')).toHaveClass(/el-tag--success/);
  await expect(page.getByTestId('state-paused')).toBeVisible({ timeout: 60_000 });
  await page.getByTestId('action-continue').click();
  await expect(page.getByTestId('state-succeeded')).toBeVisible({ timeout: 60_000 });
  await snap(page, testInfo, 'auto-release-succeeded');
  for (const h of hosts.hosts) expect(readHost(path.join(h.deployRoot, 'app')).current).toBe(releaseId);
});
