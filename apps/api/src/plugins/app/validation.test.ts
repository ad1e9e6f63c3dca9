import { describe, expect, it } from 'vitest';
import { unstorableText } from './validation.js';

describe('text PostgreSQL cannot store', () => {
  it('names the path of a NUL byte or an unpaired surrogate, in values and keys, at any depth', () => {
    expect(unstorableText({ name: 'a\u0000b' })).toBe('name');
    expect(unstorableText({ hooks: { 'before-release': 'x\ud800' } })).toBe('hooks.before-release');
    expect(unstorableText({ variables: [{ key: 'A' }, { key: 'B', value: '\udc00tail' }] })).toBe('variables.1.value');
    expect(unstorableText({ ['k\u0000']: 1 })).toBe('k\u0000');
    expect(unstorableText('\ud800')).toBe('');
  });

  it('lets paired surrogates (emoji), other control characters and non-strings through', () => {
    expect(unstorableText({ name: '发布 🚀', tab: 'a\tb', n: Number.MAX_SAFE_INTEGER + 2, list: [true, null], nested: { ok: 'é' } })).toBeNull();
    expect(unstorableText(undefined)).toBeNull();
  });

  it('walks a deeply nested body without overflowing the stack', () => {
    let deep: unknown = 'bad\u0000';
    for (let i = 0; i < 100_000; i += 1) deep = [deep];
    expect(unstorableText(deep)).toMatch(/^0(\.0)*$/);
  });
});
