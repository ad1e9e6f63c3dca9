import { describe, expect, it } from 'vitest';
import { markMatches, parseAnsi, plainText } from './ansi';

const E = '\u001b';

describe('ANSI log lines', () => {
  it('maps foreground colours, bright colours, bold and resets to classes', () => {
    expect(parseAnsi(`${E}[31merror${E}[0m ok ${E}[1;92mdone${E}[22m!${E}[m`)).toEqual([
      { text: 'error', classes: 'ansi-fg-31' },
      { text: ' ok ', classes: '' },
      { text: 'done', classes: 'ansi-fg-92 ansi-bold' },
      { text: '!', classes: 'ansi-fg-92' },
    ]);
  });

  it('strips cursor moves, erase, OSC titles, 256 and true colours without reading their numbers as codes', () => {
    expect(parseAnsi(`${E}[2K${E}[1G${E}]0;title\u0007${E}[38;5;31mA${E}[38;2;1;31;1mB${E}[?25l`)).toEqual([{ text: 'AB', classes: '' }]);
  });

  it('never turns a line into markup: tags stay text', () => {
    expect(parseAnsi(`${E}[33m<img src=x onerror=alert(1)>`)).toEqual([{ text: '<img src=x onerror=alert(1)>', classes: 'ansi-fg-33' }]);
  });

  it('shows only the last drawing of a progress bar and drops control characters', () => {
    expect(plainText('10%\r50%\r100%\u0007')).toBe('100%');
    expect(plainText(`${E}[32m10%\r${E}[32m100%${E}[0m\r\n`)).toBe('100%');
  });

  it('cuts coloured runs at search matches, case-insensitively', () => {
    const marked = markMatches(parseAnsi(`${E}[31mERROR${E}[0m: disk error`), 'error', true);
    expect(marked).toEqual([
      { text: 'ERROR', classes: 'ansi-fg-31', mark: 2 },
      { text: ': disk ', classes: '', mark: 0 },
      { text: 'error', classes: '', mark: 2 },
    ]);
    expect(markMatches(parseAnsi('ab'), 'x', false)).toEqual([{ text: 'ab', classes: '', mark: 0 }]);
  });
});
