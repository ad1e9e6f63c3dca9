import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { quote, raw, sh } from './quote.js';

// The only honest check of a quoting function is a real shell: the word must come back byte for byte.
function roundTrip(value: string): string {
  return execFileSync('sh', ['-c', `printf %s ${quote(value)}`], { encoding: 'utf8' });
}

const nasty = [
  '',
  'plain',
  "it's",
  "''",
  "'; touch /tmp/pwned; '",
  '$(touch /tmp/pwned)',
  '`touch /tmp/pwned`',
  '${HOME}',
  '"double" quotes',
  'back\\slash\\',
  'new\nline',
  'tab\tand space',
  '*?[glob]',
  '~root',
  '-n',
  '|&;<>()!#',
  'ünïcødé ✓',
];

describe('quote', () => {
  it.each(nasty)('passes %j through sh unchanged', (value) => {
    expect(roundTrip(value)).toBe(value);
  });

  it('always produces one single-quoted word', () => {
    expect(quote("a'b")).toBe(`'a'\\''b'`);
    expect(quote('')).toBe("''");
  });

  it('refuses NUL bytes instead of truncating', () => {
    expect(() => quote('a\0b')).toThrow(/NUL/);
  });
});

describe('sh', () => {
  it('quotes values and keeps the literal syntax', () => {
    const cmd = sh`mkdir -p ${'/srv/a b'} && ls ${['x', "y'z"]} ${raw('>/dev/null')}`;
    expect(cmd.text).toBe(`mkdir -p '/srv/a b' && ls 'x' 'y'\\''z' >/dev/null`);
  });

  it('does not re-quote a nested fragment', () => {
    const inner = sh`echo ${'hi'}`;
    expect(sh`${inner} && true`.text).toBe(`echo 'hi' && true`);
  });

  it('renders numbers bare', () => {
    expect(sh`head -c ${5}`.text).toBe('head -c 5');
  });

  it('keeps an injection attempt inert when run', () => {
    const out = execFileSync('sh', ['-c', sh`printf %s ${'$(echo pwned)'}`.text], { encoding: 'utf8' });
    expect(out).toBe('$(echo pwned)');
  });
});
