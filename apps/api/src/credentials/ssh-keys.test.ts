import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ssh2 from 'ssh2';
import { afterAll, describe, expect, it } from 'vitest';
import { generateEd25519, parsePrivateKey } from './ssh-keys.js';

const dir = mkdtempSync(path.join(tmpdir(), 'rp-ssh-keys-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ssh keys', () => {
  it('generates an ed25519 key that ssh2 parses and that signs for its public key', () => {
    const key = generateEd25519('rp-test');
    expect(key.privateKey).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----\n/);
    expect(key.publicKey).toMatch(/^ssh-ed25519 [A-Za-z0-9+/]+=* rp-test$/);
    expect(key.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    const parsed = ssh2.utils.parseKey(key.privateKey);
    if (parsed instanceof Error || Array.isArray(parsed)) throw new Error('does not parse');
    const signature = parsed.sign(Buffer.from('data'));
    const publicOnly = ssh2.utils.parseKey(key.publicKey);
    if (publicOnly instanceof Error || Array.isArray(publicOnly)) throw new Error('public key does not parse');
    expect(publicOnly.verify(Buffer.from('data'), signature)).toBe(true);
  });

  it('writes what OpenSSH itself reads: ssh-keygen derives the same public key and fingerprint', () => {
    const key = generateEd25519('rp-test');
    const file = path.join(dir, 'generated');
    writeFileSync(file, key.privateKey, { mode: 0o600 });
    expect(execFileSync('ssh-keygen', ['-y', '-f', file], { encoding: 'utf8' }).trim().split(' ').slice(0, 2)).toEqual(key.publicKey.split(' ').slice(0, 2));
    expect(execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', file], { encoding: 'utf8' })).toContain(key.fingerprint);
  });

  it('reads uploaded OpenSSH and PEM keys and reports their fingerprint as ssh-keygen does', () => {
    for (const [type, format] of [['ed25519', 'RFC4716'], ['rsa', 'PEM'], ['ecdsa', 'PEM']] as const) {
      const file = path.join(dir, `uploaded-${type}`);
      execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-C', 'uploaded', '-m', format, '-f', file]);
      const key = parsePrivateKey(readFileSync(file, 'utf8'));
      expect(execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${file}.pub`], { encoding: 'utf8' })).toContain(key.fingerprint);
      expect(key.publicKey.split(' ')[1]).toBe(readFileSync(`${file}.pub`, 'utf8').split(' ')[1]);
    }
  });

  it('refuses passphrase-protected keys, public keys and junk without quoting them', () => {
    const file = path.join(dir, 'protected');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'a passphrase', '-f', file]);
    expect(() => parsePrivateKey(readFileSync(file, 'utf8'))).toThrow(/passphrase/);
    expect(() => parsePrivateKey(readFileSync(`${file}.pub`, 'utf8'))).toThrow(/public key/);
    expect(() => parsePrivateKey('not-a-key-SECRETSECRET')).toThrow(/^privateKey: is not a private key/);
  });
});
