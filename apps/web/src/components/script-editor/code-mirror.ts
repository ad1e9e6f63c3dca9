import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { StreamLanguage } from '@codemirror/language';
import { shell } from '@codemirror/legacy-modes/mode/shell';
import { Compartment, EditorState, type Extension } from '@codemirror/state';
import { EditorView, highlightActiveLineGutter, keymap, lineNumbers, placeholder } from '@codemirror/view';
import { scriptEditorTheme } from './theme';

export interface ScriptEditorOptions {
  doc: string;
  placeholder: string;
  readonly: boolean;
  disabled: boolean;
  /** Attributes of the editable element: the test id and the form item's label. */
  attributes: Record<string, string>;
  /** Where the caret goes if the editor takes focus over from the fallback textarea. */
  focusAt?: { anchor: number; head: number };
  onChange: (doc: string) => void;
  onBlur: () => void;
}

export interface ScriptEditorHandle {
  setDoc(doc: string): void;
  configure(options: Pick<ScriptEditorOptions, 'placeholder' | 'readonly' | 'disabled' | 'attributes'>): void;
  destroy(): void;
}

const shellLanguage = StreamLanguage.define(shell);

/** The smallest change turning `from` into `to`, so an outside edit keeps the caret where it is when it can. */
function diff(from: string, to: string) {
  let start = 0;
  while (start < from.length && start < to.length && from[start] === to[start]) start++;
  let end = 0;
  while (end < from.length - start && end < to.length - start && from[from.length - 1 - end] === to[to.length - 1 - end]) end++;
  return { from: start, to: from.length - end, insert: to.slice(start, to.length - end) };
}

/** Mounts a shell editor into `parent`; CodeMirror's default Escape-then-Tab leaves the field, as Tab indents. */
export function mountScriptEditor(parent: HTMLElement, options: ScriptEditorOptions): ScriptEditorHandle {
  const settings = new Compartment();
  const settingsFor = (o: Pick<ScriptEditorOptions, 'placeholder' | 'readonly' | 'disabled' | 'attributes'>): Extension => [
    placeholder(o.placeholder),
    EditorState.readOnly.of(o.readonly || o.disabled),
    EditorView.editable.of(!o.disabled),
    EditorView.contentAttributes.of({ ...o.attributes, spellcheck: 'false', autocapitalize: 'off', autocorrect: 'off' }),
  ];
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: options.doc,
      selection: options.focusAt,
      extensions: [
        lineNumbers(),
        highlightActiveLineGutter(),
        history(),
        keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
        EditorView.lineWrapping,
        shellLanguage,
        scriptEditorTheme,
        settings.of(settingsFor(options)),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) options.onChange(update.state.doc.toString());
          if (update.focusChanged && !update.view.hasFocus) options.onBlur();
        }),
      ],
    }),
  });
  if (options.focusAt) view.focus();
  return {
    setDoc(doc) {
      const current = view.state.doc.toString();
      if (doc !== current) view.dispatch({ changes: diff(current, doc) });
    },
    configure(next) {
      view.dispatch({ effects: settings.reconfigure(settingsFor(next)) });
    },
    destroy() {
      view.destroy();
    },
  };
}
