import { request as playwrightRequest, type Page, type TestInfo } from '@playwright/test';
import { ADMIN, expect, signIn, test } from '../fixtures.js';
import { adminApi, type Api } from '../helpers/api.js';
import { expectNoErrorToast, snap } from '../helpers/element.js';
import { registerFleet, type Fleet } from '../helpers/fleet.js';
import { overflowing, SCREENS, switchLocale } from '../helpers/layout.js';
import { startSampleHosts, type SampleHosts } from '../helpers/sample-hosts.js';

/**
 * An incident on three real sshd hosts, as an operator lives it: v1 and v2 went out, v3 fails its health check. The
 * failed release's log says why each attempt failed; a retry is marked in the log; and one confirmation in the
 * emergency-rollback dialog, which states "now v2 → back to v1", switches all three servers at once.
 */
const SERVERS = ['web-01', 'web-02', 'web-03'] as const;
const FINISHED = /^(succeeded|failed|aborted|interrupted)$/;

let sample: SampleHosts;
let fleet: Fleet;
const ids = { v1: '', v2: '', v3: '' };
const commits = { v1: '', v2: '' };

async function shipped(api: Api, expected: 'succeeded' | 'failed'): Promise<{ id: string; commit: string }> {
  const release = await api.post<{ id: string; commit: string }>('/api/releases', { environmentId: fleet.environmentId, ref: 'main' });
  await expect.poll(async () => (await api.get<{ state: string }>(`/api/releases/${release.id}`)).state, { timeout: 90_000 }).toMatch(FINISHED);
  expect((await api.get<{ state: string }>(`/api/releases/${release.id}`)).state).toBe(expected);
  return release;
}

test.beforeAll(async () => {
  test.setTimeout(240_000);
  sample = await startSampleHosts(SERVERS.length, 'rp-incident');
  const request = await playwrightRequest.newContext({ baseURL: test.info().project.use.baseURL });
  try {
    const api = await adminApi(request);
    const port = '"$(cat "$DEPLOY_PATH/shared/port")"';
    fleet = await registerFleet(api, sample, {
      prefix: 'incident',
      names: SERVERS,
      project: {
        buildCommand: 'printf "%s\\n" "$COMMIT" > REVISION',
        restartCommand: `PORT=${port} sh bin/restart.sh`,
        healthCheck: { type: 'command', command: `curl -fsS "http://127.0.0.1:${port.slice(1, -1)}/health"`, retries: 2, intervalSeconds: 1, timeoutSeconds: 5 },
      },
    });
    const v1 = await shipped(api, 'succeeded');
    sample.repo.addCommit({ message: 'v2' });
    const v2 = await shipped(api, 'succeeded');
    sample.repo.addCommit({ unhealthy: true, message: 'v3 breaks /health' });
    const v3 = await shipped(api, 'failed');
    Object.assign(ids, { v1: v1.id, v2: v2.id, v3: v3.id });
    Object.assign(commits, { v1: v1.commit, v2: v2.commit });
  } finally {
    await request.dispose();
  }
});

test.afterAll(async () => {
  await sample?.stop();
});

const short = (commit: string) => commit.slice(0, 8);

async function fitsEveryScreen(page: Page, testInfo: TestInfo, name: string, locale: string): Promise<void> {
  for (const [width, height] of SCREENS) {
    await page.setViewportSize({ width, height });
    expect(await overflowing(page), `${name}, ${locale} at ${width}×${height}`).toEqual([]);
    await snap(page, testInfo, `${name}-${locale}-${width}x${height}`);
  }
}

test('a failed health check says why, a retry is marked, and an emergency rollback takes one confirmation and runs in parallel', async ({
  page,
  request,
}, testInfo) => {
  test.setTimeout(180_000);
  const api = await adminApi(request);
  await page.goto('/login');
  await signIn(page, ADMIN.username, ADMIN.password);
  await expect(page).toHaveURL(/\/dashboard$/);

  // The failed release's log: each health-check attempt with the check's exit code and what it printed.
  await page.goto(`/releases/${ids.v3}`);
  await page.getByTestId('log-search').fill('health check attempt');
  await page.getByTestId('log-only-matches').click();
  // The first attempt may come before the app listens (curl's exit 7, connection refused); later ones get its 500.
  const attempts = page.getByTestId('log-line');
  await expect(attempts.first()).toContainText(/health check attempt 1\/3 failed \(exit (7|22): /);
  await expect(attempts.filter({ hasText: /health check attempt \d\/3 failed \(exit 22: .*500/ }).first()).toBeVisible();
  await expect(attempts.filter({ hasText: 'next attempt in 2 s' }).first()).toBeVisible();
  await fitsEveryScreen(page, testInfo, 'incident-health-log', 'zh-CN');
  await switchLocale(page, 'en');
  await expect(page.getByTestId('log-only-matches')).toContainText('Matching lines only');
  await expect(attempts.filter({ hasText: /health check attempt \d\/3 failed \(exit 22: .*500/ }).first()).toBeVisible();
  await fitsEveryScreen(page, testInfo, 'incident-health-log', 'en');

  // Retry: it fails again (the version is still broken), and the log marks where the second run began.
  await page.getByTestId('log-only-matches').click();
  await page.getByTestId('log-search').fill('');
  await page.getByTestId('action-retry').click();
  await expect.poll(async () => (await api.get<{ state: string }>(`/api/releases/${ids.v3}`)).state, { timeout: 90_000 }).toBe('failed');
  await expect(page.getByTestId('log-run')).toContainText('Run 2 (retry)');
  await fitsEveryScreen(page, testInfo, 'incident-retry', 'en');
  await switchLocale(page, 'zh-CN');
  await expect(page.getByTestId('log-run')).toContainText('第 2 次执行（重试）');
  await fitsEveryScreen(page, testInfo, 'incident-retry', 'zh-CN');

  // The emergency: back to v1 from its page, in one dialog that states the change.
  await page.goto(`/releases/${ids.v1}`);
  await page.getByTestId('action-rollback').click();
  const dialog = page.getByTestId('rollback-dialog');
  await expect(dialog.getByTestId('rollback-current')).toHaveText(`main (${short(commits.v2)})`);
  await expect(dialog.getByTestId('rollback-target')).toContainText(`main (${short(commits.v1)})`);
  await expect(dialog.getByTestId('rollback-target')).toContainText('3 台服务器');
  await expect(dialog.getByTestId('rollback-parallel').locator('input')).toBeChecked();
  await fitsEveryScreen(page, testInfo, 'incident-rollback-dialog', 'zh-CN');
  // Cancelling changes nothing; the same dialog in English, then the one confirmation.
  await dialog.getByRole('button', { name: '取消' }).click();
  await expect(dialog).toBeHidden();
  await switchLocale(page, 'en');
  await page.getByTestId('action-rollback').click();
  await expect(dialog.getByTestId('rollback-current')).toHaveText(`main (${short(commits.v2)})`);
  await expect(dialog.getByTestId('rollback-confirm')).toHaveText('Roll back now');
  await fitsEveryScreen(page, testInfo, 'incident-rollback-dialog', 'en');
  await dialog.getByTestId('rollback-confirm').click();

  await expect(page).not.toHaveURL(new RegExp(ids.v1));
  const rollbackId = page.url().split('/').at(-1) ?? '';
  await expect.poll(async () => (await api.get<{ state: string }>(`/api/releases/${rollbackId}`)).state, { timeout: 60_000 }).toBe('succeeded');
  const rollback = await api.get<{ kind: string; rollout: { strategy: string }; description: string; targets: { current: string | null }[] }>(`/api/releases/${rollbackId}`);
  expect(rollback).toMatchObject({ kind: 'rollback', rollout: { strategy: 'parallel' }, description: '' });
  expect(rollback.targets.map((t) => t.current)).toEqual([ids.v1, ids.v1, ids.v1]);
  // One batch: every server switched together, nothing waited for a gate.
  await expect(page.getByTestId('batch-2')).toHaveCount(0);
  await expect(page.getByText(`Roll back to main (${short(commits.v1)})`)).toBeVisible();
  await expectNoErrorToast(page);
  await fitsEveryScreen(page, testInfo, 'incident-rolled-back', 'en');
});
