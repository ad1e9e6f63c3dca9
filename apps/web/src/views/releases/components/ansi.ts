/** A run of text with the classes its SGR state maps to (`ansi-fg-31`, `ansi-bold`, …). */
export interface AnsiSegment {
  text: string;
  classes: string;
}

const ESC = '\u001b';
// CSI (ESC [ params final), OSC (ESC ] … BEL or ESC \), and two-character escapes such as ESC ( B.
const ESCAPES = new RegExp(
  `${ESC}\\[([0-9;:?<=>]*)[ -/]*([@-~])|${ESC}\\][^\\u0007${ESC}]*(?:\\u0007|${ESC}\\\\)?|${ESC}[ -/]*[0-~]?`,
  'g',
);
// Control characters other than tab would only show as boxes.
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u0008\u000a-\u001f\u007f]/g;

interface SgrState {
  fg: number | null;
  bold: boolean;
}

function applySgr(state: SgrState, params: string): void {
  const codes = params === '' ? [0] : params.split(/[;:]/).map((p) => (p === '' ? 0 : Number(p)));
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i] ?? 0;
    if (code === 0) {
      state.fg = null;
      state.bold = false;
    } else if (code === 1) state.bold = true;
    else if (code === 22) state.bold = false;
    else if ((code >= 30 && code <= 37) || (code >= 90 && code <= 97)) state.fg = code;
    else if (code === 39) state.fg = null;
    else if (code === 38 || code === 48) {
      // 256-colour and true-colour parameters must be skipped, not read as codes of their own; the colour is dropped.
      i += codes[i + 1] === 5 ? 2 : codes[i + 1] === 2 ? 4 : 0;
    }
  }
}

const classesOf = (state: SgrState) => [state.fg === null ? '' : `ansi-fg-${state.fg}`, state.bold ? 'ansi-bold' : ''].filter(Boolean).join(' ');

const clean = (text: string) => text.replace(CONTROLS, '');

/** A carriage return inside a line is a progress bar redrawing itself: only the last drawing is what a terminal shows. */
function lastDrawing(line: string): string {
  const trimmed = line.replace(/[\r\n]+$/, '');
  return trimmed.slice(trimmed.lastIndexOf('\r') + 1);
}

/**
 * Splits one log line into coloured runs. Only foreground colours (30–37, 90–97), bold and resets are kept; every
 * other escape sequence is removed. The result is plain text plus class names, so nothing in a log line ever
 * reaches the page as markup.
 */
export function parseAnsi(raw: string): AnsiSegment[] {
  const line = lastDrawing(raw);
  const segments: AnsiSegment[] = [];
  const state: SgrState = { fg: null, bold: false };
  let last = 0;
  const push = (piece: string) => {
    const text = clean(piece);
    if (!text) return;
    const classes = classesOf(state);
    const previous = segments[segments.length - 1];
    if (previous && previous.classes === classes) previous.text += text;
    else segments.push({ text, classes });
  };
  for (const match of line.matchAll(ESCAPES)) {
    push(line.slice(last, match.index));
    last = match.index + match[0].length;
    if (match[2] === 'm' && !/[?<=>]/.test(match[1] ?? '')) applySgr(state, match[1] ?? '');
  }
  push(line.slice(last));
  return segments;
}

/** The line as a reader sees it, for searching. */
export function plainText(line: string): string {
  return line.includes(ESC) ? parseAnsi(line).map((s) => s.text).join('') : clean(lastDrawing(line));
}

export interface MarkedSegment extends AnsiSegment {
  /** 0 outside a search match, 1 inside one, 2 inside the match the reader is on. */
  mark: 0 | 1 | 2;
}

/** Cuts the coloured runs at every case-insensitive occurrence of `needle` so matches can be highlighted. */
export function markMatches(segments: AnsiSegment[], needle: string, current: boolean): MarkedSegment[] {
  if (!needle) return segments.map((s) => ({ ...s, mark: 0 }));
  const plain = segments.map((s) => s.text).join('').toLowerCase();
  const ranges: [number, number][] = [];
  for (let at = plain.indexOf(needle); at >= 0; at = plain.indexOf(needle, at + needle.length)) ranges.push([at, at + needle.length]);
  if (ranges.length === 0) return segments.map((s) => ({ ...s, mark: 0 }));
  const mark = current ? 2 : 1;
  const out: MarkedSegment[] = [];
  let offset = 0;
  for (const segment of segments) {
    const end = offset + segment.text.length;
    let cursor = offset;
    for (const [from, to] of ranges) {
      if (to <= cursor || from >= end) continue;
      if (from > cursor) out.push({ text: segment.text.slice(cursor - offset, from - offset), classes: segment.classes, mark: 0 });
      const stop = Math.min(to, end);
      out.push({ text: segment.text.slice(Math.max(from, cursor) - offset, stop - offset), classes: segment.classes, mark });
      cursor = stop;
    }
    if (cursor < end) out.push({ text: segment.text.slice(cursor - offset), classes: segment.classes, mark: 0 });
    offset = end;
  }
  return out;
}
