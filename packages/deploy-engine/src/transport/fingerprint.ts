import { createHash } from 'node:crypto';

/** The OpenSSH presentation of a host key fingerprint: `SHA256:` + unpadded base64 of the key blob's sha256. */
export function fingerprintOf(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** Accepts stored fingerprints with or without the `SHA256:` prefix and with or without base64 padding. */
export function sameFingerprint(expected: string, actual: string): boolean {
  const norm = (f: string) => f.trim().replace(/^SHA256:/i, '').replace(/=+$/, '');
  return norm(expected) === norm(actual);
}
