import { expect, test as base, type Page } from '@playwright/test';

export const ADMIN = { username: 'admin', password: 'e2e-Chief-Passw0rd' } as const;

export interface ConsoleGuard {
  /** Accept browser console errors matching this, e.g. Chromium's own log line for an expected 401. */
  allow(pattern: RegExp): void;
}

/** Every test fails if the page logs a console error or throws, unless the test allowed that exact message. */
export const test = base.extend<{ consoleGuard: ConsoleGuard }>({
  consoleGuard: [
    async ({ page }, use) => {
      const allowed: RegExp[] = [];
      const problems: string[] = [];
      page.on('console', (msg) => {
        if (msg.type() === 'error') problems.push(`console.error: ${msg.text()} (${msg.location().url})`);
      });
      page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));

      await use({ allow: (pattern) => allowed.push(pattern) });

      expect(
        problems.filter((p) => !allowed.some((a) => a.test(p))),
        'the browser console must stay free of errors',
      ).toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

export async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
}
