import type { Locator, Page, TestInfo } from '@playwright/test';
import { expect } from '../fixtures.js';

/**
 * Element Plus widgets driven the way a user drives them. Their popups (select dropdowns, message boxes) are
 * teleported to <body>, so options are looked up on the page, restricted to the one popup that is showing.
 */

/** Opens a select and clicks the option whose accessible name matches. */
export async function choose(page: Page, select: Locator, option: string | RegExp): Promise<void> {
  await select.click();
  await page.getByRole('option', { name: option }).filter({ visible: true }).first().click();
}

/** The label of a radio (or radio button) with this value inside a radio group; clicking it is what a user does. */
export function radio(group: Locator, value: string): Locator {
  return group.locator(`label:has(input[value="${value}"])`);
}

/**
 * Types into an el-input-number. The component commits on `change`, which the browser fires on blur, so the field
 * is left with Tab the way a user moves on to the next one.
 */
export async function fillNumber(field: Locator, value: number): Promise<void> {
  const input = field.locator('input');
  await input.fill(String(value));
  await input.press('Tab');
  await expect(input).toHaveValue(String(value));
}

/** A table row (the row element, so its action buttons can be found) holding this exact text in the given cell test id. */
export function rowWith(table: Locator, cellTestId: string, text: string): Locator {
  return table.locator('tr.el-table__row').filter({ has: table.page().getByTestId(cellTestId).getByText(text, { exact: true }) });
}

/** Screenshot of the whole page, kept as a named attachment of the test (shown in the report and its artifacts). */
export async function snap(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

/** Clicks the primary button of the Element Plus message box that is open (confirmations). */
export async function confirmMessageBox(page: Page): Promise<void> {
  await page.locator('.el-message-box__btns .el-button--primary').filter({ visible: true }).click();
}

/** An error toast means the page failed to load something or an action was refused. */
export async function expectNoErrorToast(page: Page): Promise<void> {
  await expect(page.locator('.el-message--error').filter({ visible: true }), 'no error toast').toHaveCount(0);
}
