import { ADMIN, expect, signIn, test } from '../fixtures';

test('a wrong password shows the API error and stays on the login page', async ({ page, consoleGuard }) => {
  // Chromium itself logs every 4xx response; this one is the expected answer, not a page bug.
  consoleGuard.allow(/Failed to load resource: the server responded with a status of 401 .*\/api\/auth\/login/);

  await page.goto('/login');
  await signIn(page, ADMIN.username, 'definitely-not-the-password');

  await expect(page.getByTestId('login-error')).toContainText('用户名或密码错误');
  await expect(page).toHaveURL(/\/login$/);
  expect(await page.evaluate(() => localStorage.getItem('rp.token'))).toBeNull();
});

test('admin signs in, switches language and theme, survives a reload and signs out', async ({ page }, testInfo) => {
  await page.goto('/login');
  await expect(page.getByRole('heading', { name: '发布平台 / Release Platform' })).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('login-page.png'), fullPage: true });

  await signIn(page, ADMIN.username, ADMIN.password);

  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByTestId('welcome-username')).toHaveText(ADMIN.username);
  await expect(page.getByTestId('header-username')).toHaveText(ADMIN.username);
  await expect(page.getByTestId('menu-dashboard')).toHaveText('仪表盘');
  await expect(page.getByTestId('menu-releases')).toHaveText('发布单');
  await page.screenshot({ path: testInfo.outputPath('dashboard.png'), fullPage: true });

  await page.getByTestId('locale-switch').getByRole('button').click();
  await page.getByTestId('locale-en').click();
  await expect(page.getByTestId('menu-dashboard')).toHaveText('Dashboard');
  await expect(page.getByTestId('menu-releases')).toHaveText('Releases');
  await expect(page.getByTestId('menu-audit')).toHaveText('Audit log');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');

  await page.getByTestId('theme-switch').click();
  await expect(page.locator('html')).toHaveClass(/\bdark\b/);

  await page.reload();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByTestId('welcome-username')).toHaveText(ADMIN.username);
  await expect(page.getByTestId('menu-releases')).toHaveText('Releases');
  await expect(page.locator('html')).toHaveClass(/\bdark\b/);

  const token = await page.evaluate(() => localStorage.getItem('rp.token'));
  expect(token).toBeTruthy();

  await page.getByTestId('user-menu').click();
  await page.getByTestId('logout').click();
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByTestId('login-submit')).toBeVisible();
  expect(await page.evaluate(() => localStorage.getItem('rp.token'))).toBeNull();

  // Signing out revokes the token on the server, not just in this tab.
  const me = await page.request.get('/api/auth/me', { headers: { Authorization: `Bearer ${token}` } });
  expect(me.status()).toBe(401);
});

test('a logged-out visit is sent to login and returns to the requested page after signing in', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveURL(/\/login\?redirect=(%2F|\/)dashboard$/);

  await page.goto('/servers?page=2');
  await expect(page).toHaveURL(/\/login\?redirect=(%2F|\/)servers(%3F|\?)page(%3D|=)2$/);

  await signIn(page, ADMIN.username, ADMIN.password);

  await expect(page).toHaveURL(/\/servers\?page=2$/);
  await expect(page.getByTestId('menu-servers')).toHaveClass(/is-active/);
  await expect(page.getByTestId('header-username')).toHaveText(ADMIN.username);
});
