import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { fingerprintOf } from '@rp/deploy-engine';
import ssh2 from 'ssh2';
import { Invalid } from '../shared/errors.js';

export interface SshKeyMaterial {
  /** OpenSSH or PEM text, unencrypted: the engine hands it to ssh2 as is. */
  privateKey: string;
  /** One `authorized_keys` line. */
  publicKey: string;
  fingerprint: string;
}

/** SSH wire format: a uint32 length, then the bytes. */
function sshString(data: Buffer | string): Buffer {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

function uint32(value: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value);
  return out;
}

/**
 * OpenSSH's own private key container (PROTOCOL.key), unencrypted, for one ed25519 key. Node can generate the key
 * but only exports PKCS#8, which older OpenSSH and many operators' tools do not read for ed25519.
 */
function openSshEd25519(seed: Buffer, publicKey: Buffer, comment: string): string {
  const publicBlob = Buffer.concat([sshString('ssh-ed25519'), sshString(publicKey)]);
  const check = randomBytes(4);
  let section = Buffer.concat([
    check,
    check,
    sshString('ssh-ed25519'),
    sshString(publicKey),
    sshString(Buffer.concat([seed, publicKey])),
    sshString(comment),
  ]);
  const padding = Buffer.from(Array.from({ length: (8 - (section.length % 8)) % 8 }, (_, i) => i + 1));
  section = Buffer.concat([section, padding]);
  const body = Buffer.concat([
    Buffer.from('openssh-key-v1\0'),
    sshString('none'),
    sshString('none'),
    sshString(''),
    uint32(1),
    sshString(publicBlob),
    sshString(section),
  ]);
  const lines = body.toString('base64').match(/.{1,70}/g) ?? [];
  return ['-----BEGIN OPENSSH PRIVATE KEY-----', ...lines, '-----END OPENSSH PRIVATE KEY-----', ''].join('\n');
}

function describeParsed(privateKey: string, parsed: ssh2.ParsedKey, comment: string): SshKeyMaterial {
  const blob = parsed.getPublicSSH();
  return {
    privateKey,
    publicKey: [parsed.type, blob.toString('base64'), comment].filter(Boolean).join(' '),
    fingerprint: fingerprintOf(blob),
  };
}

export function generateEd25519(comment: string): SshKeyMaterial {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const seed = Buffer.from(privateKey.export({ format: 'jwk' }).d ?? '', 'base64url');
  const pub = Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url');
  const text = openSshEd25519(seed, pub, comment);
  // Parsing our own output with the library the engine connects with proves the key is usable before it is stored.
  const parsed = ssh2.utils.parseKey(text);
  if (parsed instanceof Error || Array.isArray(parsed)) throw new Error('generated ed25519 key does not parse');
  return describeParsed(text, parsed, comment);
}

/** An uploaded private key (OpenSSH or PEM). Errors never quote the key. */
export function parsePrivateKey(text: string): SshKeyMaterial {
  const parsed: ssh2.ParsedKey | ssh2.ParsedKey[] | Error = ssh2.utils.parseKey(text);
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (key === undefined || key instanceof Error) {
    const encrypted = key instanceof Error && /passphrase|encrypted/i.test(key.message);
    throw new Invalid(
      'privateKey',
      encrypted ? 'is protected by a passphrase; remove it first (ssh-keygen -p -N "" -f KEY)' : 'is not a private key in OpenSSH or PEM format',
    );
  }
  if (!key.isPrivateKey()) throw new Invalid('privateKey', 'is a public key; upload the private key');
  return describeParsed(text.endsWith('\n') ? text : `${text}\n`, key, key.comment);
}
