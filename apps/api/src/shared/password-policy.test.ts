import { describe, expect, it } from 'vitest';
import { passwordRuleBroken } from '@rp/contract/rules';
import { DomainError } from './errors.js';
import { assertPasswordPolicy } from './password-policy.js';

describe('password policy', () => {
  it.each([
    ['short', 'Ab1-short', 'length'],
    ['eight spaces', '        ', 'length'],
    ['ten spaces', '          ', 'classes'],
    ['lower case only', 'abcdefghijkl', 'classes'],
    ['digits only', '123456789012', 'classes'],
    ['letters and spaces only', 'abc def ghi jkl', 'classes'],
    ['the username', 'Alice-Secret-1', 'username'],
    ['the username in other case', 'xxALICExx99', 'username'],
    ['over 72 bytes', `${'é'.repeat(40)}1`, 'length'],
  ])('refuses %s', (_name, password, rule) => {
    expect(passwordRuleBroken(password, 'alice')).toBe(rule);
  });

  it.each([
    ['lower and digits', 'correcthorse42'],
    ['lower and symbols', 'correct-horse-battery'],
    ['upper and lower with spaces', 'Correct Horse Battery'],
    ['non-Latin letters with digits', 'пароль12345'],
  ])('accepts %s', (_name, password) => {
    expect(passwordRuleBroken(password, 'alice')).toBeNull();
  });

  it('a username under three characters may appear inside the password', () => {
    expect(passwordRuleBroken('Totally-valid-al', 'al')).toBeNull();
    expect(passwordRuleBroken('Totally-valid-ali', 'ali')).toBe('username');
  });

  it('throws a 400 naming the field and the rule', () => {
    const error = (() => {
      try {
        assertPasswordPolicy('aaaaaaaaaaaa', 'bob', 'newPassword');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ statusCode: 400, details: [{ field: 'newPassword' }] });
    expect((error as Error).message).toMatch(/^newPassword: .*rule: classes/);
    expect(() => assertPasswordPolicy('Kettle-drum-99', 'bob')).not.toThrow();
  });
});
