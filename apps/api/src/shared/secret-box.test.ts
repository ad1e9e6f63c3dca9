import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSecretBox, SecretBoxError } from './secret-box.js';

describe('secret box', () => {
  const box = createSecretBox(randomBytes(32));

  it('round-trips text, with a fresh IV every time', () => {
    const a = box.encrypt('token-ÄÖ-密钥');
    const b = box.encrypt('token-ÄÖ-密钥');
    expect(a).not.toBe(b);
    expect(a.startsWith('v1:')).toBe(true);
    expect(a).not.toContain('token');
    expect(box.decrypt(a)).toBe('token-ÄÖ-密钥');
    expect(box.decrypt(box.encrypt(''))).toBe('');
  });

  it('refuses tampered ciphertext, tag or IV', () => {
    const [v, iv, tag, ct] = box.encrypt('secret value').split(':') as [string, string, string, string];
    const flip = (b64: string) => {
      const bytes = Buffer.from(b64, 'base64');
      bytes[0] = (bytes[0] ?? 0) ^ 1;
      return bytes.toString('base64');
    };
    expect(() => box.decrypt([v, iv, tag, flip(ct)].join(':'))).toThrow(SecretBoxError);
    expect(() => box.decrypt([v, iv, flip(tag), ct].join(':'))).toThrow(SecretBoxError);
    expect(() => box.decrypt([v, flip(iv), tag, ct].join(':'))).toThrow(SecretBoxError);
  });

  it('refuses another key, unknown versions and malformed input without echoing it', () => {
    const sealed = box.encrypt('secret value');
    expect(() => createSecretBox(randomBytes(32)).decrypt(sealed)).toThrow(/wrong master key or tampered/);
    expect(() => box.decrypt(sealed.replace(/^v1/, 'v9'))).toThrow(/unknown format/);
    expect(() => box.decrypt('plain-secret')).toThrow(SecretBoxError);
    try {
      box.decrypt('v1:AAAA:BBBB:plain-secret');
    } catch (error) {
      expect((error as Error).message).not.toContain('plain-secret');
    }
  });

  it('needs a 32-byte key', () => {
    expect(() => createSecretBox(randomBytes(16))).toThrow(SecretBoxError);
  });
});
