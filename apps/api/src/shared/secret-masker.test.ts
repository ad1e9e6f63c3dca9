import { SECRET_MASK } from '@rp/contract/rules';
import { describe, expect, it } from 'vitest';
import { createSecretMasker, maskDeep, secretForms } from './secret-masker.js';

const token = 'glpat-Tok/With@Plus+Sp ce:"q"\\';

describe('secret masker', () => {
  const mask = createSecretMasker([token]);
  const asPassword = (secret: string) => {
    const url = new URL('https://gitlab.example.com/team/app.git');
    url.username = 'oauth2';
    url.password = secret;
    return url.toString();
  };

  it.each([
    ['raw', token],
    ['encodeURIComponent', encodeURIComponent(token)],
    ['encodeURIComponent, lower-case escapes', encodeURIComponent(token).replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase())],
    ['URL userinfo', new URL(asPassword(token)).password],
    ['base64', Buffer.from(token).toString('base64')],
    ['base64 of user:secret (HTTP Basic)', Buffer.from(`oauth2:${token}`).toString('base64')],
    ['base64 of secret and newline', Buffer.from(`${token}\n`).toString('base64')],
    ['base64 at the third alignment', Buffer.from(`ab${token}xyz`).toString('base64')],
    ['JSON-escaped', JSON.stringify(token).slice(1, -1)],
  ])('masks the %s form', (_, form) => {
    const masked = mask(`before ${form} after`);
    expect(masked).toContain(SECRET_MASK);
    expect(masked.startsWith('before ')).toBe(true);
    expect(masked).not.toContain(form);
    for (const any of secretForms(token)) expect(masked).not.toContain(any);
  });

  it('masks the secret inside a longer URL and leaves the rest of the URL readable', () => {
    const message = `fatal: unable to access '${asPassword(token)}': The requested URL returned error: 401`;
    const masked = mask(message);
    expect(masked).toBe(`fatal: unable to access 'https://oauth2:${SECRET_MASK}@gitlab.example.com/team/app.git': The requested URL returned error: 401`);
  });

  it('masks overlapping secrets as one stretch, longest first, leaving no tail of either', () => {
    const both = createSecretMasker(['abcdef12', 'ef123456', 'abcdef']);
    expect(both('x abcdef123456 y')).toBe(`x ${SECRET_MASK} y`);
    expect(both('x abcdef y abcdef12 z')).toBe(`x ${SECRET_MASK} y ${SECRET_MASK} z`);
    expect(both('abcdef12abcdef12')).toBe(SECRET_MASK);
  });

  it('leaves text without secrets, and secrets shorter than four characters, alone', () => {
    expect(createSecretMasker([])('nothing to hide')).toBe('nothing to hide');
    expect(createSecretMasker(['abc'])('abc abc')).toBe('abc abc');
    expect(mask('a line with no secret in it')).toBe('a line with no secret in it');
  });

  it('masks every string inside a structured value', () => {
    const value = { type: 'target.failed', error: { kind: 'exec', stderrTail: `curl: ${token}`, exitCode: 1 }, list: [token] };
    expect(maskDeep(value, mask)).toEqual({ type: 'target.failed', error: { kind: 'exec', stderrTail: `curl: ${SECRET_MASK}`, exitCode: 1 }, list: [SECRET_MASK] });
  });
});
