import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { readHost } from '@rp/deploy-engine/testing';
import type { Page, TestInfo } from '@playwright/test';
import { ADMIN, expect, signIn, test } from '../fixtures.js';
import { fillScript, scriptValue } from '../helpers/code-editor.js';
import { choose, expectNoErrorToast, fillNumber, radio, rowWith, snap } from '../helpers/element.js';
import { startSampleHosts, type SampleHosts } from '../helpers/sample-hosts.js';

/**
 * The whole operator flow in the browser against the real product, with nothing set up behind the UI's back: an
 * administrator registers a group, an SSH key, two real sshd hosts, the sample app's Git repository and a `prod`
 * environment with a gray rollout, then releases it (one server, a manual pause, continue, success), ships a second
 * version and rolls back to the first from the environment's history. The hosts' `current` links prove what the
 * pages claim.
 */
let sample: SampleHosts;
const groupName = `e2e-${randomBytes(3).toString('hex')}`;

test.beforeAll(async () => {
  sample = await startSampleHosts(2, 'rp-e2e-deploy');
});

test.afterAll(async () => {
  await sample?.stop();
});

const host = (i: number) => {
  const h = sample.hosts.hosts[i];
  if (!h) throw new Error(`no ssh host ${i}`);
  return h;
};
const current = (i: number) => readHost(path.join(host(i).deployRoot, 'app')).current;

async function createGroup(page: Page, testInfo: TestInfo): Promise<void> {
  await page.getByTestId('menu-groups').click();
  await page.getByTestId('group-create').click();
  const dialog = page.getByTestId('group-dialog');
  await expect(dialog).toBeVisible();
  await page.getByTestId('group-name').fill(groupName);
  await page.getByTestId('group-description').fill('Created by the browser test');
  await snap(page, testInfo, 'group-form');
  await page.getByTestId('group-save').click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId(`group-open-${groupName}`)).toBeVisible();
}

async function createCredential(page: Page, testInfo: TestInfo): Promise<void> {
  await page.getByTestId('menu-credentials').click();
  await page.getByTestId('credential-create').click();
  const dialog = page.getByTestId('credential-dialog');
  await expect(dialog).toBeVisible();
  await choose(page, page.getByTestId('credential-group'), groupName);
  await page.getByTestId('credential-name').fill('deploy-key');
  await radio(page.getByTestId('credential-kind'), 'ssh_key').click();
  // The harness's key is already in the hosts' authorized_keys, so it is uploaded rather than generated.
  await radio(page.getByTestId('credential-source'), 'upload').click();
  await page.getByTestId('credential-private-key').fill(host(0).privateKey);
  await snap(page, testInfo, 'credential-form');
  await page.getByTestId('credential-save').click();
  await expect(dialog).toBeHidden();

  // A new key's public half and fingerprint are shown right away, for authorized_keys.
  const details = page.getByTestId('credential-details');
  await expect(details).toBeVisible();
  await expect(page.getByTestId('credential-fingerprint')).toContainText('SHA256:');
  await page.getByTestId('credential-details-close').click();
  await expect(details).toBeHidden();
  // Other specs have keys of that name in their own groups; ours is the one in this group.
  await expect(rowWith(page.getByTestId('credential-table'), 'credential-row-name', 'deploy-key').filter({ hasText: groupName })).toBeVisible();
}

/** The server's row in the list; other specs register servers of the same name in their own groups. */
const serverRow = (page: Page, name: string) => rowWith(page.getByTestId('server-table'), 'server-row-name', name).filter({ hasText: groupName });

async function createServers(page: Page, testInfo: TestInfo): Promise<void> {
  await page.getByTestId('menu-servers').click();
  for (const [i, h] of sample.hosts.hosts.entries()) {
    const name = `web-${i + 1}`;
    await page.getByTestId('server-create').click();
    const dialog = page.getByTestId('server-dialog');
    await expect(dialog).toBeVisible();
    await choose(page, page.getByTestId('server-group'), groupName);
    await page.getByTestId('server-name').fill(name);
    await page.getByTestId('server-host').fill('127.0.0.1');
    await fillNumber(page.getByTestId('server-port'), h.port);
    await page.getByTestId('server-username').fill(h.username);
    await choose(page, page.getByTestId('server-credential'), /^deploy-key/);
    if (i === 0) await snap(page, testInfo, 'server-form');
    await page.getByTestId('server-save').click();
    await expect(dialog).toBeHidden();
    await expect(serverRow(page, name)).toBeVisible();
  }

  // Testing the connection logs in over SSH with the uploaded key and pins the host key it saw.
  const row = serverRow(page, 'web-1');
  await row.getByTestId('server-test').click();
  await expect(row.getByTestId('server-test-result').locator('.el-tag--success')).toBeVisible({ timeout: 30_000 });
  await expect(row.getByTestId('server-fingerprint')).toContainText('SHA256:');
  await snap(page, testInfo, 'servers-tested');
}

async function createProject(page: Page, testInfo: TestInfo): Promise<string> {
  const port = '"$(cat "$DEPLOY_PATH/shared/port")"';
  await page.getByTestId('menu-projects').click();
  await page.getByTestId('project-create').click();
  const drawer = page.getByTestId('project-form');
  await expect(drawer).toBeVisible();
  await choose(page, page.getByTestId('project-form-group'), groupName);
  await page.getByTestId('project-form-name').fill('sample-app');
  await page.getByTestId('project-form-git-url').fill(sample.repo.url);
  // The preset first: choosing it fills the build, restart and health fields that are then adjusted below.
  await choose(page, page.getByTestId('project-form-preset'), /^Node\.js/);
  await expect.poll(() => scriptValue(page.getByTestId('project-form-build-command'))).toMatch(/npm ci/);
  await fillScript(page.getByTestId('project-form-build-command'), 'printf "%s\\n" "$COMMIT" > REVISION');
  await fillScript(page.getByTestId('project-form-restart-command'), `PORT=${port} sh bin/restart.sh`);
  await radio(page.getByTestId('project-form-health-type'), 'command').click();
  await fillScript(page.getByTestId('project-form-health-command'), `curl -fsS "http://127.0.0.1:${port.slice(1, -1)}/health"`);
  await fillNumber(page.getByTestId('project-form-health-timeout'), 5);
  await fillNumber(page.getByTestId('project-form-health-retries'), 20);
  await fillNumber(page.getByTestId('project-form-health-interval'), 1);
  await snap(page, testInfo, 'project-form');
  await page.getByTestId('project-form-save').click();
  await expect(drawer).toBeHidden();

  // A new project opens its own page, where its environments are managed.
  await expect(page).toHaveURL(/\/projects\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId('project-name')).toContainText('sample-app');
  return page.url();
}

async function createEnvironment(page: Page, testInfo: TestInfo): Promise<void> {
  await page.getByTestId('env-create').click();
  const dialog = page.getByTestId('environment-form');
  await expect(dialog).toBeVisible();
  await page.getByTestId('env-form-name').fill('prod');
  await page.getByTestId('env-form-deploy-path').fill(sample.deployPath);

  const transfer = page.getByTestId('env-form-servers');
  const [available, chosen] = [transfer.locator('.el-transfer-panel').first(), transfer.locator('.el-transfer-panel').last()];
  await available.getByText('web-1', { exact: true }).click();
  await available.getByText('web-2', { exact: true }).click();
  // The transfer's buttons are "to the left" then "to the right".
  await transfer.locator('.el-transfer__buttons button').last().click();
  await expect(chosen.getByText('web-1', { exact: true })).toBeVisible();
  await expect(chosen.getByText('web-2', { exact: true })).toBeVisible();

  await radio(page.getByTestId('env-form-strategy'), 'batches').click();
  await page.getByTestId('env-form-batches').fill('1, 100%');
  await radio(page.getByTestId('env-form-between'), 'manual').click();
  await snap(page, testInfo, 'environment-form');
  await page.getByTestId('env-form-save').click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('env-row-prod')).toBeVisible();
  await snap(page, testInfo, 'project-page');
}

/** From the project page: the environment's release link, branch `main`, a description to find it by later. */
async function startRelease(page: Page, projectUrl: string, description: string): Promise<string> {
  await page.goto(projectUrl);
  await page.getByTestId('env-release-prod').click();
  await expect(page).toHaveURL(/\/release\/new\?/);
  await expect(page.getByTestId('release-form')).toBeVisible();
  await choose(page, page.getByTestId('form-ref'), /^main\b/);
  await page.getByTestId('release-form').locator('textarea').fill(description);
  // The first press shows the dry-run plan: the commands each server will run, before anything is created.
  await page.getByTestId('form-submit').click();
  await expect(page.getByTestId('plan-preview')).toContainText('web-1');
  await page.getByTestId('plan-submit').click();
  await expect(page).toHaveURL(/\/releases\/[0-9a-f-]{36}$/);
  return page.url().split('/').at(-1) as string;
}

/**
 * On a release page at its manual pause: the first batch (web-1) is done, web-2 waits. Continuing must move the
 * grid and the console on without a reload, up to success.
 */
async function continueToSuccess(page: Page): Promise<void> {
  await expect(page.getByTestId('state-paused')).toBeVisible({ timeout: 60_000 });
  const [web1, web2] = [page.getByTestId('target-web-1'), page.getByTestId('target-web-2')];
  await expect(web1.locator('.el-tag')).toHaveText('成功');
  await expect(web2.locator('.el-tag')).toHaveText('等待');
  await page.getByTestId('action-continue').click();
  await expect(page.getByTestId('state-succeeded')).toBeVisible({ timeout: 60_000 });
  await expect(web2.locator('.el-tag')).toHaveText('成功');
}

test('an operator sets everything up in the browser, releases in gray batches, and rolls back from the history', async ({ page }, testInfo) => {
  test.setTimeout(240_000);

  await page.goto('/');
  await signIn(page, ADMIN.username, ADMIN.password);
  await expect(page).toHaveURL(/\/dashboard$/);

  await createGroup(page, testInfo);
  await createCredential(page, testInfo);
  await createServers(page, testInfo);
  const projectUrl = await createProject(page, testInfo);
  await createEnvironment(page, testInfo);

  // The first release, watched live: the grid and the console fill in while the page stays open.
  const firstId = await startRelease(page, projectUrl, 'first version');
  await expect(page.getByTestId('release-title')).toHaveText('sample-app / prod');
  await expect(page.getByTestId('live-connection')).toHaveClass(/el-tag--success/);
  await expect(page.getByTestId('state-paused')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('stage-build')).toHaveClass(/is-succeeded/);
  await expect(page.getByTestId('log-line').filter({ hasText: 'web-1' }).first()).toBeVisible();
  expect([current(0), current(1)]).toEqual([firstId, null]);
  await snap(page, testInfo, 'release-paused');

  await continueToSuccess(page);
  // With "follow" on, the console shows the newest lines, which now come from the second batch.
  await expect(page.getByTestId('log-line').filter({ hasText: 'web-2' }).first()).toBeVisible();
  await expect(page.getByTestId('release-progress')).toHaveAttribute('aria-valuenow', '100');
  expect([current(0), current(1)]).toEqual([firstId, firstId]);
  await snap(page, testInfo, 'release-succeeded');

  // A second version ships the same way.
  sample.repo.addCommit({ message: 'second version' });
  const secondId = await startRelease(page, projectUrl, 'second version');
  await continueToSuccess(page);
  expect([current(0), current(1)]).toEqual([secondId, secondId]);

  // Back to the first version, found in the environment's release history.
  await page.goto(projectUrl);
  await page.getByTestId('env-history-prod').click();
  await expect(page).toHaveURL(/\/releases\?/);
  const history = page.getByTestId('release-table');
  await expect(history.locator('tr.el-table__row')).toHaveCount(2);
  await snap(page, testInfo, 'release-history');
  await history.locator('tr.el-table__row', { hasText: 'first version' }).click();
  await expect(page).toHaveURL(new RegExp(`/releases/${firstId}$`));
  await page.getByTestId('action-rollback').click();
  // The emergency default is every server at once; this one is asked to follow the environment's rollout.
  const dialog = page.getByTestId('rollback-dialog');
  await dialog.getByTestId('rollback-environment').click();
  await dialog.getByTestId('rollback-confirm').click();
  await expect(page).not.toHaveURL(new RegExp(`${firstId}$`));
  // So it goes like a release: one server, a pause, then the rest.
  await continueToSuccess(page);
  expect([current(0), current(1)]).toEqual([firstId, firstId]);
  await snap(page, testInfo, 'rollback-succeeded');
  await expectNoErrorToast(page);
});
