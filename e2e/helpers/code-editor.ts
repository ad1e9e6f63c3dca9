import type { Locator } from '@playwright/test';
import { expect } from '../fixtures.js';

/**
 * The SPA's script fields (ScriptEditor: CodeMirror, loaded after the form opens) driven the way a user drives them.
 * The field's test id is on the editor's editable element once it has loaded, and on a plain textarea before.
 */

/** The script the editor shows, line by line, without the placeholder it shows when empty. */
export function scriptValue(field: Locator): Promise<string> {
  return field.evaluate((el) =>
    Array.from(el.querySelectorAll('.cm-line'), (line) => {
      const copy = line.cloneNode(true) as Element;
      copy.querySelectorAll('.cm-placeholder').forEach((placeholder) => placeholder.remove());
      return copy.textContent ?? '';
    }).join('\n'),
  );
}

/**
 * Replaces the script: click into the editor, select all, delete, and enter the text as one insertion (like a paste,
 * so the editor's auto-indent does not touch it), then check the editor shows exactly that.
 */
export async function fillScript(field: Locator, text: string): Promise<void> {
  await expect(field).toHaveAttribute('contenteditable', 'true');
  await field.click();
  await field.press('ControlOrMeta+a');
  await field.press('Delete');
  await expect.poll(() => scriptValue(field)).toBe('');
  if (text !== '') await field.page().keyboard.insertText(text);
  await expect.poll(() => scriptValue(field)).toBe(text);
}
