import { expect, vi } from 'vitest';
import { flushPromises, type VueWrapper } from '@vue/test-utils';
import { EditorView } from '@codemirror/view';
import type { RecordedRequest } from './fetch-stub';

/** One page of a list answer holding all of `items`. */
export const page = <T>(items: T[], total = items.length) => ({ items, total, page: 1, pageSize: 20 });

/** Lets pending requests answer and what they change render, including Element Plus' timer-driven updates. */
export async function settle(): Promise<void> {
  await flushPromises();
  await new Promise((resolve) => setTimeout(resolve, 0));
  await flushPromises();
}

/** The element with this test id anywhere in the document (dialogs and popups are teleported to <body>). */
export function byTestId(id: string): HTMLElement {
  const el = document.querySelector<HTMLElement>(`[data-testid="${id}"]`);
  if (!el) throw new Error(`no ${id}`);
  return el;
}

/** Types into an input or textarea the way a user does: the value, then the input event. */
export function typeInto(selector: string, value: string): void {
  const input = document.querySelector<HTMLInputElement | HTMLTextAreaElement>(selector);
  if (!input) throw new Error(`no ${selector}`);
  input.value = value;
  input.dispatchEvent(new Event('input'));
}

/** The code editor of the ScriptEditor with this test id, once it has loaded and taken over from the fallback textarea. */
export function scriptEditor(testId: string): Promise<EditorView> {
  // The first editor of a run waits for CodeMirror's modules to be transformed, which on busy cores takes seconds.
  return vi.waitFor(
    () => {
      const view = EditorView.findFromDOM(byTestId(testId));
      if (!view) throw new Error(`${testId} is not a code editor yet`);
      return view;
    },
    { timeout: 10_000 },
  );
}

/**
 * Types into a ScriptEditor the way a user does: everything selected, then replaced by typed input (CodeMirror's
 * own input transaction, which its DOM handling would produce in a browser). A read-only editor takes no typing.
 */
export async function typeIntoScript(testId: string, value: string): Promise<void> {
  const view = await scriptEditor(testId);
  if (view.state.readOnly) throw new Error(`${testId} is read-only`);
  view.dispatch({
    changes: { from: 0, to: view.state.doc.length, insert: value },
    selection: { anchor: value.length },
    userEvent: 'input.type',
  });
  await flushPromises();
}

/** The text a ScriptEditor shows. */
export async function scriptText(testId: string): Promise<string> {
  return (await scriptEditor(testId)).state.doc.toString();
}

/** A button of the newest message box (a closed one lingers in the DOM while it fades out). */
export function messageBoxButton(kind: 'primary' | 'cancel'): HTMLElement {
  const boxes = document.querySelectorAll('.el-message-box__btns');
  const buttons = [...(boxes[boxes.length - 1]?.querySelectorAll<HTMLElement>('.el-button') ?? [])];
  const button = buttons.find((b) => b.classList.contains('el-button--primary') === (kind === 'primary'));
  if (!button) throw new Error('no message box open');
  return button;
}

/** Waits for a message box, types `text` into its prompt if given, then clicks OK or Cancel. */
export async function answerMessageBox(button: 'ok' | 'cancel', text?: string): Promise<void> {
  await vi.waitFor(() => expect(document.querySelector('.el-message-box')).not.toBeNull());
  if (text !== undefined) {
    typeInto('.el-message-box__input input', text);
    await flushPromises();
  }
  messageBoxButton(button === 'ok' ? 'primary' : 'cancel').click();
  await settle();
}

/** The table row showing `text`. */
export function rowOf(wrapper: VueWrapper, text: string) {
  const row = wrapper.findAll('.el-table__body-wrapper .el-table__row').find((r) => r.text().includes(text));
  if (!row) throw new Error(`no row ${text}`);
  return row;
}

export const requests = (calls: RecordedRequest[], method: string) => calls.filter((c) => c.method === method);

/** The query parameters of the last request to `path`. */
export function lastQuery(calls: RecordedRequest[], path: string): Record<string, string> {
  const url = calls.filter((c) => new URL(c.url, 'http://localhost').pathname === path).at(-1)?.url ?? '';
  return Object.fromEntries(new URL(url, 'http://localhost').searchParams);
}
