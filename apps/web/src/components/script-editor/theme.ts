import { syntaxHighlighting } from '@codemirror/language';
import { EditorView } from '@codemirror/view';

type Highlighter = Parameters<typeof syntaxHighlighting>[0];

/**
 * Shell token kinds and their colours in light and dark mode. Keyed by highlighting tag name, since the tag
 * objects themselves live in @lezer/highlight, which the SPA does not depend on directly.
 */
const PALETTE = {
  comment: ['var(--el-text-color-secondary)', 'var(--el-text-color-secondary)'],
  keyword: ['#8250df', '#d2a8ff'],
  string: ['#0a3069', '#a5d6ff'],
  quote: ['#0a3069', '#a5d6ff'],
  number: ['#0550ae', '#79c0ff'],
  atom: ['#0550ae', '#79c0ff'],
  'standard(variableName)': ['#0550ae', '#79c0ff'],
  'definition(variableName)': ['#953800', '#ffa657'],
  attributeName: ['#116329', '#7ee787'],
  operator: ['#cf222e', '#ff7b72'],
  meta: ['#6e7781', '#8b949e'],
} as const;

type Kind = keyof typeof PALETTE;
const KINDS = Object.keys(PALETTE) as Kind[];
const className = (kind: Kind) => `cm-sh-${kind.replace(/\W+/g, '-').replace(/-$/, '')}`;

/** Classes by tag name (a sub-tag such as special(string) falls back to its parent), coloured by the theme below. */
const shellHighlighter: Highlighter = {
  style(tags) {
    const classes = tags.flatMap((tag) => {
      const kind = tag.set.map(String).find((name): name is Kind => name in PALETTE);
      return kind ? [className(kind)] : [];
    });
    return classes.length > 0 ? classes.join(' ') : null;
  },
};

const MONO = 'var(--el-font-family-mono, ui-monospace, SFMono-Regular, Menlo, Consolas, monospace)';

/**
 * Element Plus' own CSS variables, so the editor follows the app's light and dark theme (`html.dark`) like the
 * inputs around it; the border and focus ring belong to the wrapper in ScriptEditor.vue, shared with the fallback.
 */
const editorTheme = EditorView.theme({
  '&': { color: 'var(--el-text-color-regular)', backgroundColor: 'transparent', maxHeight: 'var(--script-editor-max-height)' },
  '&.cm-focused': { outline: 'none' },
  '.cm-scroller': { fontFamily: MONO, fontSize: '13px', lineHeight: '1.5', overflow: 'auto' },
  '.cm-content, .cm-gutter': { minHeight: 'var(--script-editor-min-height)' },
  '.cm-content': { padding: '5px 0', caretColor: 'var(--el-text-color-primary)' },
  '.cm-line': { padding: '0 11px 0 8px' },
  '.cm-gutters': {
    backgroundColor: 'var(--el-fill-color-light)',
    color: 'var(--el-text-color-placeholder)',
    borderRight: '1px solid var(--el-border-color-lighter)',
    borderRadius: 'var(--el-border-radius-base) 0 0 var(--el-border-radius-base)',
  },
  '.cm-activeLineGutter': { backgroundColor: 'var(--el-fill-color)', color: 'var(--el-text-color-regular)' },
  '.cm-placeholder': { color: 'var(--el-text-color-placeholder)' },
  ...Object.fromEntries(
    KINDS.flatMap((kind) => [
      [`.${className(kind)}`, { color: PALETTE[kind][0], fontStyle: kind === 'comment' ? 'italic' : 'normal' }],
      [`html.dark & .${className(kind)}`, { color: PALETTE[kind][1] }],
    ]),
  ),
});

export const scriptEditorTheme = [editorTheme, syntaxHighlighting(shellHighlighter)];
