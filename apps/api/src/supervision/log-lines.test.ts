import { describe, expect, it } from 'vitest';
import { LineSplitter, MAX_LINE_CHARS } from './log-lines.js';

describe('LineSplitter', () => {
  it('gives out whole lines only, with a character cut between chunks put back together', () => {
    const bytes = Buffer.from('第一行\r\nsecond 行\nthird');
    const splitter = new LineSplitter();
    const out: string[] = [];
    // One byte at a time: every cut, also inside the three-byte characters and between \r and \n.
    for (const byte of bytes) out.push(...splitter.push(Buffer.from([byte])));
    expect(out).toEqual(['第一行', 'second 行']);
    expect(splitter.end()).toEqual(['third']);
    expect(splitter.end()).toEqual([]);
  });

  it('cuts a line that never ends into pieces rather than holding it', () => {
    const splitter = new LineSplitter();
    const pieces = splitter.push(Buffer.from('x'.repeat(MAX_LINE_CHARS * 2 + 5)));
    expect(pieces.map((p) => p.length)).toEqual([MAX_LINE_CHARS, MAX_LINE_CHARS]);
    expect(splitter.push(Buffer.from('y\n'))).toEqual(['xxxxxy']);
  });
});
