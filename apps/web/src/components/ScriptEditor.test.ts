import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { enableAutoUnmount, flushPromises, mount } from '@vue/test-utils';
import { defineComponent, h, reactive, ref } from 'vue';
import { ElForm, ElFormItem } from 'element-plus';
import { byTestId, scriptEditor, scriptText, typeInto, typeIntoScript } from '@/test/ui';
import ScriptEditor from './ScriptEditor.vue';

// CodeMirror's chunk arrives when the test says so, to look at the field while it is still loading.
const chunk = vi.hoisted(() => {
  let arrive = () => {};
  const arrived = new Promise<void>((resolve) => (arrive = resolve));
  return { arrived, arrive };
});
vi.mock('./script-editor/code-mirror', async (importOriginal) => {
  await chunk.arrived;
  return importOriginal();
});

enableAutoUnmount(afterEach);
afterEach(() => {
  vi.restoreAllMocks();
});

function mountEditor(initial: string, props: Record<string, unknown> = {}) {
  const model = ref(initial);
  const options = reactive(props);
  const updates: string[] = [];
  const Host = defineComponent(
    () => () =>
      h(ScriptEditor, {
        ...options,
        modelValue: model.value,
        'onUpdate:modelValue': (v: string) => {
          updates.push(v);
          model.value = v;
        },
        'data-testid': 'script',
      }),
  );
  const wrapper = mount(Host, { attachTo: document.body });
  return { wrapper, model, updates, options };
}

describe('script editor', () => {
  it('is a plain textarea with the same value while CodeMirror loads, and keeps what was typed there', async () => {
    const { model } = mountEditor('echo one', { placeholder: 'npm ci' });
    await flushPromises();
    const textarea = document.querySelector<HTMLTextAreaElement>('textarea[data-testid="script"]');
    expect(textarea?.value).toBe('echo one');
    expect(textarea?.placeholder).toBe('npm ci');

    typeInto('textarea[data-testid="script"]', 'echo two');
    expect(model.value).toBe('echo two');

    chunk.arrive();
    expect(await scriptText('script')).toBe('echo two');
    expect(document.querySelector('textarea')).toBeNull();
    expect(byTestId('script').classList.contains('cm-content')).toBe(true);
  });

  describe('once loaded', () => {
    beforeAll(() => chunk.arrive());

    it('updates the model as the user types', async () => {
      const { model } = mountEditor('');
      await typeIntoScript('script', 'set -e\nnpm ci');
      expect(model.value).toBe('set -e\nnpm ci');
    });

    it('shows a change of the model made outside in the same editor, without echoing it back', async () => {
      const { model, updates } = mountEditor('npm ci');
      const view = await scriptEditor('script');
      view.dispatch({ selection: { anchor: 3 } });

      model.value = 'npm ci && npm run build';
      await flushPromises();
      expect(await scriptEditor('script')).toBe(view);
      expect(view.state.doc.toString()).toBe('npm ci && npm run build');
      expect(view.state.selection.main.head).toBe(3);
      expect(updates).toEqual([]);
    });

    it('shows line numbers and colours shell comments and strings', async () => {
      mountEditor('set -e\necho "done" # deployed');
      await scriptEditor('script');
      const root = document.querySelector('.script-editor');
      expect(
        [...(root?.querySelectorAll('.cm-lineNumbers .cm-gutterElement') ?? [])].map((n) => n.textContent),
      ).toEqual(expect.arrayContaining(['1', '2']));
      expect(root?.querySelector('.cm-sh-string')?.textContent).toBe('"done"');
      expect(root?.querySelector('.cm-sh-comment')?.textContent).toBe('# deployed');
    });

    it('has its form item check it when the user leaves the field, as an el-input would', async () => {
      const form = { script: '' };
      const rules = { script: [{ required: true, message: 'a script is needed', trigger: 'blur' }] };
      mount(
        defineComponent(
          () => () =>
            h(ElForm, { model: form, rules }, () =>
              h(ElFormItem, { label: 'Script', prop: 'script' }, () =>
                h(ScriptEditor, { modelValue: form.script, 'data-testid': 'script' }),
              ),
            ),
        ),
        { attachTo: document.body },
      );
      const view = await scriptEditor('script');
      expect(byTestId('script').getAttribute('aria-labelledby')).toBe(
        document.querySelector('.el-form-item__label')?.id,
      );

      // happy-dom's document never has focus, and CodeMirror only tracks focus within a focused document.
      vi.spyOn(document, 'hasFocus').mockReturnValue(true);
      view.focus();
      await vi.waitFor(() => expect(view.dom.classList.contains('cm-focused')).toBe(true));
      expect(document.querySelector('.el-form-item__error')).toBeNull();
      view.contentDOM.blur();
      await vi.waitFor(() =>
        expect(document.querySelector('.el-form-item__error')?.textContent ?? '').toContain('a script is needed'),
      );
    });

    it('takes no typing when read-only', async () => {
      const { model } = mountEditor('echo kept', { readonly: true });
      await expect(typeIntoScript('script', 'rm -rf /')).rejects.toThrow('read-only');
      expect(byTestId('script').getAttribute('aria-readonly')).toBe('true');
      expect(model.value).toBe('echo kept');
    });

    it('cannot be edited when disabled, and can again once enabled', async () => {
      const { options } = mountEditor('echo kept', { disabled: true });
      await scriptEditor('script');
      expect(byTestId('script').getAttribute('contenteditable')).toBe('false');

      options.disabled = false;
      await flushPromises();
      expect(byTestId('script').getAttribute('contenteditable')).toBe('true');
    });
  });
});
