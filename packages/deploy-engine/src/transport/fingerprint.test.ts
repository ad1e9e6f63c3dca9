import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fingerprintOf, sameFingerprint } from './fingerprint.js';

describe('fingerprintOf', () => {
  it('matches the OpenSSH format (unpadded base64 sha256 with prefix)', () => {
    const blob = Buffer.from('host key blob');
    const b64 = createHash('sha256').update(blob).digest('base64');
    expect(fingerprintOf(blob)).toBe(`SHA256:${b64.replace(/=+$/, '')}`);
    expect(fingerprintOf(blob)).not.toContain('=');
  });
});

describe('sameFingerprint', () => {
  it('ignores prefix and padding but not content', () => {
    const fp = fingerprintOf(Buffer.from('k'));
    expect(sameFingerprint(fp, fp.replace('SHA256:', ''))).toBe(true);
    expect(sameFingerprint(`${fp}=`, fp)).toBe(true);
    expect(sameFingerprint(fp, fingerprintOf(Buffer.from('other')))).toBe(false);
  });
});
