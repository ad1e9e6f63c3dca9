import { request as playwrightRequest, type Page, type TestInfo } from '@playwright/test';
import { ADMIN, expect, signIn, test } from '../fixtures.js';
import { adminApi } from '../helpers/api.js';
import { expectNoErrorToast, snap } from '../helpers/element.js';
import { registerFleet } from '../helpers/fleet.js';
import { overflowing, SCREENS, switchLocale } from '../helpers/layout.js';
import { startSampleHosts, type SampleHosts } from '../helpers/sample-hosts.js';

/**
 * The release page as a new operator reads it, on a release paused between its batches: a gray rollout of `1, 100%`
 * with a manual continue over three real sshd hosts. The page must say which batch finished on which server and
 * which servers come next, find a server's log lines by its name, and fit 1366×768 and 1440×900 screens in both
 * languages without a header or an input cut off.
 */
const SERVERS = ['web-01', 'web-02', 'web-03'] as const;

let sample: SampleHosts;
let releaseId = '';

test.beforeAll(async () => {
  test.setTimeout(90_000);
  sample = await startSampleHosts(SERVERS.length, 'rp-release-page');
  const request = await playwrightRequest.newContext({ baseURL: test.info().project.use.baseURL });
  try {
    const api = await adminApi(request);
    const fleet = await registerFleet(api, sample, { prefix: 'release-page', names: SERVERS });
    const release = await api.post<{ id: string }>('/api/releases', {
      environmentId: fleet.environmentId,
      ref: 'main',
      rollout: { strategy: 'batches', batches: [1, '100%'], betweenBatches: { mode: 'manual' } },
    });
    releaseId = release.id;
    await expect
      .poll(async () => (await api.get<{ state: string }>(`/api/releases/${release.id}`)).state, { timeout: 60_000 })
      .toBe('paused');
  } finally {
    await request.dispose();
  }
});

test.afterAll(async () => {
  await sample?.stop();
});

async function checkAtSizes(page: Page, testInfo: TestInfo, locale: string): Promise<void> {
  for (const [width, height] of SCREENS) {
    await page.setViewportSize({ width, height });
    await expect(page.getByTestId('release-pause')).toBeVisible();
    expect(await overflowing(page), `${locale} at ${width}×${height}`).toEqual([]);
    await snap(page, testInfo, `release-paused-${locale}-${width}x${height}`);
    await page.getByTestId('log-console').scrollIntoViewIfNeeded();
    await snap(page, testInfo, `release-log-${locale}-${width}x${height}`);
    await page.getByTestId('release-title').scrollIntoViewIfNeeded();
  }
}

test('a release paused between batches says which batch is done and which servers come next, in both languages', async ({
  page,
}, testInfo) => {
  test.setTimeout(90_000);
  await page.goto('/login');
  await signIn(page, ADMIN.username, ADMIN.password);
  await expect(page).toHaveURL(/\/dashboard$/);
  await page.goto(`/releases/${releaseId}`);

  const banner = page.getByTestId('release-pause');
  await expect(banner).toContainText('第 1/2 批完成（web-01），等待确认；下一批：web-02, web-03');
  await expect(banner.getByTestId('action-continue')).toBeVisible();
  await expect(page.getByTestId('batch-1')).toContainText('第 1/2 批');
  await expect(page.getByTestId('batch-2')).toContainText('等待确认');
  // Paused is a planned wait: the bar keeps its colour and shows the one server of three that is through.
  await expect(page.getByTestId('release-progress')).toHaveAttribute('aria-valuenow', '33');
  await expect(page.getByTestId('release-progress').locator('.el-progress-bar__inner')).not.toHaveClass(/is-warning/);

  // Lines are found by the server shown in front of them, not only by their text.
  await page.getByTestId('log-search').fill('web-01');
  await expect(page.getByTestId('log-matches')).not.toHaveText('无匹配');
  await expect(page.locator('.console__line.is-current .console__where')).toContainText('web-01');
  await page.getByTestId('log-search').fill('');
  await expectNoErrorToast(page);
  await checkAtSizes(page, testInfo, 'zh-CN');

  // Wrapped, every line gets the rows its text needs: none is cut at the bottom, none runs off to the right.
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.getByTestId('log-wrap').click();
  await page.getByTestId('log-console').scrollIntoViewIfNeeded();
  const clipped = await page
    .getByTestId('log-line')
    .evaluateAll((lines) =>
      lines
        .filter((l) => l.scrollHeight > l.clientHeight + 1 || l.scrollWidth > l.clientWidth + 1)
        .map((l) => l.textContent),
    );
  expect(clipped).toEqual([]);
  await snap(page, testInfo, 'release-log-wrapped-zh-CN-1366x768');
  await page.getByTestId('log-fullscreen').click();
  await expect(page.getByTestId('log-console')).toHaveClass(/is-fullscreen/);
  await snap(page, testInfo, 'release-log-fullscreen-zh-CN-1366x768');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('log-console')).not.toHaveClass(/is-fullscreen/);

  await switchLocale(page, 'en');
  await expect(banner).toContainText('Batch 1/2 done (web-01); waiting for confirmation. Next batch: web-02, web-03');
  await expect(page.getByTestId('batch-2')).toContainText('Waiting for confirmation');
  await checkAtSizes(page, testInfo, 'en');
});
