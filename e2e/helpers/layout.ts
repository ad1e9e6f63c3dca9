import type { Page } from '@playwright/test';

/**
 * Elements whose content is wider than the box showing it: a cut table header, a cut placeholder, or a page
 * that scrolls sideways. Each is named by its text, so a failure says what to shorten or widen.
 */
export async function overflowing(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const cut = (el: Element) => el.scrollWidth > el.clientWidth + 1;
    const found: string[] = [];
    for (const el of Array.from(document.querySelectorAll('th .cell, .grid__table th, input'))) {
      // A typed value longer than its box scrolls, as it should; an input is cut when its placeholder is.
      if (el instanceof HTMLInputElement && el.value) continue;
      if (!el.checkVisibility() || !cut(el)) continue;
      found.push(`${el.tagName.toLowerCase()} "${(el as HTMLInputElement).placeholder || el.textContent?.trim() || ''}"`);
    }
    if (cut(document.documentElement)) found.push('the page scrolls sideways');
    return found;
  });
}

/** The screen sizes operators use most: a 13" laptop and a common desktop. */
export const SCREENS = [
  [1366, 768],
  [1440, 900],
] as const;

/** Switches the SPA's language through the header's switch, as a user does. */
export async function switchLocale(page: Page, locale: 'en' | 'zh-CN'): Promise<void> {
  await page.getByTestId('locale-switch').getByRole('button').click();
  await page.getByTestId(`locale-${locale}`).click();
}
