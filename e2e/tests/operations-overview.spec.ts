import { randomBytes } from 'node:crypto';
import { request as playwrightRequest, type Page, type TestInfo } from '@playwright/test';
import { ADMIN, expect, signIn, test } from '../fixtures.js';
import { adminApi, apiAs } from '../helpers/api.js';
import { expectNoErrorToast, snap } from '../helpers/element.js';
import { registerFleet } from '../helpers/fleet.js';
import { overflowing, SCREENS, switchLocale } from '../helpers/layout.js';
import { startSampleHosts, type SampleHosts } from '../helpers/sample-hosts.js';

/**
 * The pages an operator reads around releases, on two real sshd hosts: what runs where across environments (one host
 * left on an older release is flagged), who approves (a developer named as the environment's approver finds the
 * release in 待我审批 and its menu count, and sees its batches before it starts), and what an update changed (the
 * audit entry's before and after). Each in both languages, at 1366×768 and 1440×900, with nothing cut off.
 */
const SERVERS = ['web-01', 'web-02'] as const;
const tag = randomBytes(3).toString('hex');
const approver = { username: `approver${tag}`, password: 'approver-Passw0rd' };
const creator = { username: `creator${tag}`, password: 'creator-Passw0rd' };

let sample: SampleHosts;
const ids = { project: '', projectName: '', waiting: '' };

test.beforeAll(async () => {
  test.setTimeout(120_000);
  sample = await startSampleHosts(SERVERS.length, 'rp-overview');
  const request = await playwrightRequest.newContext({ baseURL: test.info().project.use.baseURL });
  try {
    const api = await adminApi(request);
    const fleet = await registerFleet(api, sample, { prefix: 'overview', names: SERVERS });
    const project = await api.get<{ name: string }>(`/api/projects/${fleet.projectId}`);
    Object.assign(ids, { project: fleet.projectId, projectName: project.name });
    const succeeded = async (body: object) => {
      const release = await api.post<{ id: string }>('/api/releases', { environmentId: fleet.environmentId, ref: 'main', ...body });
      await expect.poll(async () => (await api.get<{ state: string }>(`/api/releases/${release.id}`)).state, { timeout: 60_000 }).toBe('succeeded');
    };
    // Both hosts on the first release, then only web-02 on the second: web-01 is left behind.
    await succeeded({});
    await succeeded({ serverIds: [fleet.serverIds[1]] });

    await api.patch(`/api/projects/${fleet.projectId}`, { buildCommand: 'echo built\necho v2' });

    const named = await api.post<{ id: string }>('/api/users', { ...approver, displayName: 'Named Approver' });
    const other = await api.post<{ id: string }>('/api/users', { ...creator, displayName: 'Release Creator' });
    await api.put(`/api/groups/${fleet.groupId}/members/${named.id}`, { role: 'developer' });
    await api.put(`/api/groups/${fleet.groupId}/members/${other.id}`, { role: 'developer' });
    const staging = await api.post<{ id: string }>(`/api/projects/${fleet.projectId}/environments`, {
      name: 'staging',
      deployPath: `${sample.deployPath}-staging`,
      serverIds: fleet.serverIds,
      requireApproval: true,
      rollout: { strategy: 'batches', batches: [1, '100%'], betweenBatches: { mode: 'manual' } },
      policy: { approvers: 'named', approverIds: [named.id] },
    });
    const waiting = await (await apiAs(request, creator)).post<{ id: string }>('/api/releases', { environmentId: staging.id, ref: 'main', description: `waiting ${tag}` });
    ids.waiting = waiting.id;
  } finally {
    await request.dispose();
  }
});

test.afterAll(async () => {
  await sample?.stop();
});

async function atEverySize(page: Page, testInfo: TestInfo, name: string, locale: string): Promise<void> {
  for (const [width, height] of SCREENS) {
    await page.setViewportSize({ width, height });
    expect(await overflowing(page), `${name} in ${locale} at ${width}×${height}`).toEqual([]);
    await snap(page, testInfo, `${name}-${locale}-${width}x${height}`);
  }
}

test('the all-environments version page shows each host\'s release and flags the environment whose hosts differ', async ({ page }, testInfo) => {
  test.setTimeout(90_000);
  await page.goto('/login');
  await signIn(page, ADMIN.username, ADMIN.password);
  await expect(page).toHaveURL(/\/dashboard$/);
  for (const locale of ['zh-CN', 'en'] as const) {
    if (locale === 'en') await switchLocale(page, 'en');
    await page.goto(`/versions/overview?q=${ids.projectName}`);
    const prod = page.getByTestId(`versions-overview-env-${ids.projectName}-prod`);
    await expect(prod).toBeVisible();
    await expect(prod.getByTestId('versions-overview-mixed')).toBeVisible();
    const versions = prod.getByTestId('versions-overview-version');
    await expect(versions).toHaveCount(2);
    // The newer release first, on web-02 only; web-01 still on the first.
    await expect(versions.nth(0)).toContainText('web-02');
    await expect(versions.nth(0)).not.toContainText('web-01');
    await expect(versions.nth(1)).toContainText('web-01');
    await expectNoErrorToast(page);
    await atEverySize(page, testInfo, 'versions-overview', locale);
  }
  await page.getByTestId(`versions-overview-open-${ids.projectName}-prod`).click();
  await expect(page).toHaveURL(new RegExp(`/versions\\?project=${ids.project}&env=`));
  await expect(page.getByTestId('versions-table').getByText('web-01')).toBeVisible();
});

test('a developer named as the environment\'s approver finds the release waiting for them and sees its batches before it starts', async ({ page }, testInfo) => {
  test.setTimeout(90_000);
  await page.goto('/login');
  await signIn(page, approver.username, approver.password);
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByTestId('menu-approvals-count')).toHaveText('1');
  for (const locale of ['zh-CN', 'en'] as const) {
    if (locale === 'en') await switchLocale(page, 'en');
    await page.goto('/approvals');
    const row = page.getByTestId('approvals-table').locator('tr.el-table__row', { hasText: `waiting ${tag}` });
    await expect(row).toBeVisible();
    await expect(row.getByTestId('approve-button')).toBeEnabled();
    await atEverySize(page, testInfo, 'approvals-named', locale);

    await page.goto(`/releases/${ids.waiting}`);
    await expect(page.getByTestId('batch-1')).toContainText(locale === 'en' ? /1\s*\/\s*2/ : /第\s*1\s*\/\s*2\s*批/);
    await expect(page.getByTestId('batch-2')).toBeVisible();
    // The first batch takes the first server by name, the second the rest.
    const rows = page.locator('[data-testid^="batch-"], [data-testid^="target-web-"]');
    await expect(rows).toHaveCount(4);
    expect(await rows.evaluateAll((els) => els.map((el) => el.getAttribute('data-testid')))).toEqual(['batch-1', 'target-web-01', 'batch-2', 'target-web-02']);
    await expectNoErrorToast(page);
    await atEverySize(page, testInfo, 'release-planned-batches', locale);
  }
});

test('the audit log shows what an update changed, before and after, line by line for a script', async ({ page }, testInfo) => {
  test.setTimeout(60_000);
  await page.goto('/login');
  await signIn(page, ADMIN.username, ADMIN.password);
  await expect(page).toHaveURL(/\/dashboard$/);
  for (const locale of ['zh-CN', 'en'] as const) {
    if (locale === 'en') await switchLocale(page, 'en');
    await page.goto(`/audit?action=project.update&resourceId=${ids.project}`);
    const row = page.getByTestId('audit-table').locator('tr.el-table__row').first();
    await expect(row).toBeVisible();
    await row.locator('.el-table__expand-icon').click();
    const changes = page.getByTestId('audit-changes');
    await expect(changes).toBeVisible();
    const change = changes.getByTestId('audit-change');
    await expect(change).toHaveCount(1);
    await expect(change).toContainText('echo built');
    await expect(change).toContainText('echo v2');
    await expectNoErrorToast(page);
    await atEverySize(page, testInfo, 'audit-changes', locale);
  }
});
