import { randomBytes } from 'node:crypto';
import { createSampleAppRepo, startSshHosts, type SampleAppRepo, type SshHosts } from '@rp/deploy-engine/testing';
import { request as playwrightRequest, type Locator, type Page, type TestInfo } from '@playwright/test';
import { ADMIN, expect, signIn, test } from '../fixtures.js';
import { adminApi, apiAs } from '../helpers/api.js';
import { choose, expectNoErrorToast, radio, snap } from '../helpers/element.js';
import { chineseTexts, hasChinese, rawKeys, visibleTexts } from '../helpers/i18n.js';

/**
 * Every page of the SPA in both languages, with data on it: each route renders its content without an error toast,
 * shows no untranslated i18n key, and in English shows no Chinese (menu, page title, table headers, empty states,
 * Element Plus' own strings). The create dialogs are opened in English too. The data is set up over the API: how it
 * gets there through the UI is release.spec.ts's subject.
 */
const tag = randomBytes(3).toString('hex');
// Unique per run of this file: a failed test restarts the worker, which runs beforeAll again next to the old data.
const names = {
  group: `pages-${tag}`,
  project: `pages-app-${tag}`,
  server: `pages-web-${tag}`,
  key: `pages-key-${tag}`,
  template: `notify-${tag}`,
  platform: `pages-gitlab-${tag}`,
  channel: `pages-ops-${tag}`,
  rule: `pages-alarm-${tag}`,
  token: `pages-ci-${tag}`,
  user: `viewer${tag}`,
  release: `pages release ${tag}`,
  waiting: `waiting for review ${tag}`,
};

let hosts: SshHosts;
let repo: SampleAppRepo;
const ids = { project: '', environment: '', release: '', platform: '' };

test.beforeAll(async () => {
  test.setTimeout(90_000);
  hosts = await startSshHosts(1);
  repo = createSampleAppRepo();
  const host = hosts.hosts[0];
  if (!host) throw new Error('no ssh host');

  const request = await playwrightRequest.newContext({ baseURL: test.info().project.use.baseURL });
  try {
    const api = await adminApi(request);
    const group = await api.post<{ id: string }>('/api/groups', { name: names.group, description: 'Pages in both languages' });
    const key = await api.post<{ id: string }>('/api/credentials', { groupId: group.id, name: names.key, kind: 'ssh_key', privateKey: host.privateKey });
    const server = await api.post<{ id: string }>('/api/servers', {
      groupId: group.id,
      name: names.server,
      host: host.host,
      port: host.port,
      username: host.username,
      credentialId: key.id,
      labels: ['role=web'],
    });
    await api.post(`/api/servers/${server.id}/test`);
    const project = await api.post<{ id: string }>('/api/projects', { groupId: group.id, name: names.project, gitUrl: repo.url, preset: 'shell', buildCommand: 'true', artifactPaths: [] });
    const prod = await api.post<{ id: string }>(`/api/projects/${project.id}/environments`, { name: 'prod', deployPath: `${host.deployRoot}/app`, serverIds: [server.id] });
    // An environment behind approval, so the approvals page has a waiting release to show.
    const staging = await api.post<{ id: string }>(`/api/projects/${project.id}/environments`, {
      name: 'staging',
      deployPath: `${host.deployRoot}/staging`,
      serverIds: [server.id],
      requireApproval: true,
    });
    const release = await api.post<{ id: string }>('/api/releases', { environmentId: prod.id, ref: 'main', description: names.release });
    // Someone else's: a creator never approves their own release, so the administrator's inbox shows only others'.
    const developer = { username: `dev${tag}`, password: 'developer-Passw0rd' };
    const dev = await api.post<{ id: string }>('/api/users', { ...developer, displayName: 'Pages Developer' });
    await api.put(`/api/groups/${group.id}/members/${dev.id}`, { role: 'developer' });
    await (await apiAs(request, developer)).post('/api/releases', { environmentId: staging.id, ref: 'main', description: names.waiting });
    await api.post('/api/hook-templates', { groupId: group.id, name: names.template, description: 'Tell the team', script: 'set -e\necho deployed\n' });
    await api.post('/api/tokens', { name: names.token, scope: 'read', expiresInDays: 30 });
    const gitToken = await api.post<{ id: string }>('/api/credentials', { groupId: group.id, name: `${names.key}-git`, kind: 'git_token', token: 'glpat-pages-spec-0000000000' });
    const platform = await api.post<{ id: string }>('/api/git-platforms', { groupId: group.id, name: names.platform, kind: 'gitlab', baseUrl: 'https://gitlab.example.com', credentialId: gitToken.id });
    const channel = await api.post<{ id: string }>('/api/notification-channels', { groupId: group.id, name: names.channel, kind: 'webhook', secret: { url: 'https://hooks.example.com/release', hmacSecret: 'pages-spec-hmac-secret' } });
    await api.post('/api/alert-rules', { groupId: group.id, name: names.rule, events: ['failed', 'rolled_back'], channelIds: [channel.id] });
    await api.post('/api/users', { username: names.user, displayName: 'Pages Viewer', password: 'viewer-Passw0rd' });
    await expect.poll(async () => (await api.get<{ state: string }>(`/api/releases/${release.id}`)).state, { timeout: 60_000 }).toBe('succeeded');
    Object.assign(ids, { project: project.id, environment: prod.id, release: release.id, platform: platform.id });
  } finally {
    await request.dispose();
  }
});

test.afterAll(async () => {
  await hosts?.stopAll();
  repo?.remove();
});

interface Route {
  path: () => string;
  /** Something only this page shows once its data is in. */
  ready: (page: Page) => Locator;
}

/** Every route of apps/web/src/router/routes.ts inside the shell, with the data set up above. */
const ROUTES: Route[] = [
  { path: () => '/dashboard', ready: (p) => p.getByTestId('welcome-username') },
  { path: () => '/releases', ready: (p) => p.getByTestId('release-table').getByText(names.release) },
  { path: () => `/releases/${ids.release}`, ready: (p) => p.getByTestId('state-succeeded') },
  { path: () => `/release/new?project=${ids.project}&env=${ids.environment}`, ready: (p) => p.getByTestId('form-environment').getByText('prod') },
  { path: () => '/approvals', ready: (p) => p.getByTestId('approvals-table').getByText(names.waiting) },
  { path: () => `/queue?project=${ids.project}&env=${ids.environment}`, ready: (p) => p.getByTestId('queue-no-running') },
  { path: () => `/versions?project=${ids.project}&env=${ids.environment}`, ready: (p) => p.getByTestId('versions-table').getByText(names.server) },
  { path: () => `/versions/overview?q=${names.project}`, ready: (p) => p.getByTestId(`versions-overview-project-${names.project}`) },
  { path: () => '/projects', ready: (p) => p.getByTestId(`project-link-${names.project}`) },
  { path: () => `/projects/${ids.project}`, ready: (p) => p.getByTestId('env-row-staging') },
  { path: () => '/servers', ready: (p) => p.getByTestId('server-table').getByText(names.server, { exact: true }) },
  { path: () => '/credentials', ready: (p) => p.getByTestId('credential-table').getByText(names.key, { exact: true }) },
  { path: () => '/hook-templates', ready: (p) => p.getByTestId('hook-template-table').getByText(names.template, { exact: true }) },
  { path: () => '/git-platforms', ready: (p) => p.getByTestId('git-platform-row-name').getByText(names.platform, { exact: true }) },
  { path: () => `/git-platforms/${ids.platform}/projects`, ready: (p) => p.getByTestId('remote-project-platform').getByText(names.platform) },
  { path: () => '/git-host-keys', ready: (p) => p.getByTestId('git-host-intro') },
  { path: () => '/notification-channels', ready: (p) => p.getByTestId('channel-row-name').getByText(names.channel, { exact: true }) },
  { path: () => '/alert-rules', ready: (p) => p.getByTestId('rule-row-name').getByText(names.rule, { exact: true }) },
  { path: () => `/notification-deliveries?releaseId=${ids.release}`, ready: (p) => p.getByTestId('delivery-filter-release') },
  { path: () => '/groups', ready: (p) => p.getByTestId(`group-open-${names.group}`) },
  { path: () => '/users', ready: (p) => p.getByTestId(`user-row-${names.user}`) },
  { path: () => '/tokens', ready: (p) => p.getByTestId(`token-row-${names.token}`) },
  { path: () => '/my-notifications', ready: (p) => p.getByTestId('prefs-mobile') },
  { path: () => '/audit', ready: (p) => p.getByTestId('audit-table').locator('tr.el-table__row').first() },
];

type Locale = 'zh-CN' | 'en';

/** What a user of this locale must be able to read on the page (or in one dialog of it). */
async function expectTranslated(scope: Page | Locator, locale: Locale, where: string): Promise<void> {
  const texts = await visibleTexts(scope);
  expect.soft(texts.length, `${where}: shows text`).toBeGreaterThan(0);
  expect.soft(rawKeys(texts), `${where}: untranslated i18n keys`).toEqual([]);
  if (locale === 'en') expect.soft(chineseTexts(texts), `${where}: Chinese on an English page`).toEqual([]);
}

async function visit(page: Page, route: Route, locale: Locale, testInfo: TestInfo): Promise<void> {
  const path = route.path();
  await page.goto(path);
  await expect(route.ready(page), `${path}: content`).toBeVisible();
  await expect(page.locator('.el-loading-mask').filter({ visible: true }), `${path}: finished loading`).toHaveCount(0);
  await expectNoErrorToast(page);

  const title = page.locator('.header__title');
  await expect(title, `${path}: page title`).not.toBeEmpty();
  const titleText = await title.innerText();
  expect.soft(hasChinese(titleText), `${path}: title "${titleText}" in ${locale}`).toBe(locale === 'zh-CN');
  expect.soft(hasChinese(await page.title()), `${path}: document title in ${locale}`).toBe(locale === 'zh-CN');
  if (locale === 'en') {
    for (const header of await page.locator('.el-table__header th').filter({ visible: true }).allInnerTexts()) {
      expect.soft(hasChinese(header), `${path}: table header "${header}"`).toBe(false);
    }
  }
  await expectTranslated(page, locale, path);
  await snap(page, testInfo, `${locale}${path.split('?')[0]?.replace(/\//g, '-')}`);
}

async function switchToEnglish(page: Page): Promise<void> {
  await page.getByTestId('locale-switch').getByRole('button').click();
  await page.getByTestId('locale-en').click();
  await expect(page.getByTestId('menu-dashboard')).toHaveText('Dashboard');
}

test('every page in Chinese shows its content and no untranslated key', async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  await page.goto('/login');
  await expect(page.getByTestId('login-submit')).toBeVisible();
  await expectTranslated(page, 'zh-CN', '/login');
  await signIn(page, ADMIN.username, ADMIN.password);
  await expect(page).toHaveURL(/\/dashboard$/);

  for (const route of ROUTES) await visit(page, route, 'zh-CN', testInfo);
});

test('every page in English shows its content, no untranslated key and no Chinese', async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  await page.goto('/login');
  await signIn(page, ADMIN.username, ADMIN.password);
  await expect(page).toHaveURL(/\/dashboard$/);
  await switchToEnglish(page);
  const menu = await page.locator('[data-testid^="menu-"]').allInnerTexts();
  expect(menu.length).toBeGreaterThanOrEqual(ROUTES.length - 5);
  expect(menu.filter(hasChinese), 'sidebar menu').toEqual([]);

  for (const route of ROUTES) await visit(page, route, 'en', testInfo);

  await page.getByTestId('user-menu').click();
  await page.getByTestId('logout').click();
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByTestId('login-submit')).toBeVisible();
  await expectTranslated(page, 'en', '/login (signed out)');
});

test('the create dialogs are English in English', async ({ page }, testInfo) => {
  test.setTimeout(90_000);
  await page.goto('/login');
  await signIn(page, ADMIN.username, ADMIN.password);
  await expect(page).toHaveURL(/\/dashboard$/);
  await switchToEnglish(page);

  /** Opens a dialog, runs `reveal` to show its optional parts, checks every visible word, closes it. */
  const check = async (path: string, open: string, dialog: string, reveal?: (d: Locator) => Promise<void>) => {
    await page.goto(path);
    await page.getByTestId(open).click();
    const root = page.getByTestId(dialog);
    await expect(root).toBeVisible();
    const labels = root.locator('.el-form-item__label').filter({ visible: true });
    await expect(labels.first()).toBeVisible();
    await reveal?.(root);
    for (const label of await labels.allInnerTexts()) expect.soft(hasChinese(label), `${dialog}: label "${label}"`).toBe(false);
    await expectTranslated(root, 'en', dialog);
    await snap(page, testInfo, `en-${dialog}`);
    // The header's close button: Escape may only close a select's dropdown that still has focus.
    await root.locator('.el-dialog__headerbtn, .el-drawer__close-btn').click();
    await expect(root).toBeHidden();
  };

  await check('/groups', 'group-create', 'group-dialog');
  await check('/credentials', 'credential-create', 'credential-dialog', async (d) => {
    await radio(d.getByTestId('credential-source'), 'upload').click();
    await expectTranslated(d, 'en', 'credential-dialog (upload)');
    await radio(d.getByTestId('credential-kind'), 'git_token').click();
    await expect(d.getByTestId('credential-token')).toBeVisible();
  });
  await check('/servers', 'server-create', 'server-dialog');
  await check('/projects', 'project-create', 'project-form', async (d) => {
    await choose(page, d.getByTestId('project-form-preset'), /^Node\.js/);
    await expect(d.getByTestId('project-form-health-url')).toBeVisible();
  });
  await check(`/projects/${ids.project}`, 'env-create', 'environment-form', async (d) => {
    await radio(d.getByTestId('env-form-strategy'), 'batches').click();
    await expect(d.getByTestId('env-form-batches')).toBeVisible();
  });
  await check('/alert-rules', 'rule-create', 'rule-dialog');
  await check('/hook-templates', 'hook-template-create', 'hook-template-dialog');
  await check('/users', 'user-create', 'user-dialog');
  await check('/tokens', 'token-create', 'token-dialog');
  await expectNoErrorToast(page);
});
