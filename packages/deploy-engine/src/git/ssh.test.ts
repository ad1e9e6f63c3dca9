import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withGitAuth } from './askpass.js';
import { parseKeyscan } from './host-keys.js';
import { gitSshCommand, SSH_KEY_DIR_PREFIX } from './ssh.js';

const credential = { privateKey: '-----BEGIN OPENSSH PRIVATE KEY-----\nkey\n-----END OPENSSH PRIVATE KEY-----', knownHosts: '[git.example.com]:2222 ssh-ed25519 AAAA\n' };

/** The two files GIT_SSH_COMMAND names, read back from the command the way a shell would split it. */
function filesOf(command: string): { key: string; knownHosts: string } {
  const key = /-i '([^']+)'/.exec(command)?.[1] ?? '';
  const knownHosts = /'UserKnownHostsFile=([^']+)'/.exec(command)?.[1] ?? '';
  return { key, knownHosts };
}

describe('gitSshCommand', () => {
  it('pins host keys strictly, uses only the deploy key and quotes every path', () => {
    const command = gitSshCommand("/tmp/it's here/key", '/tmp/x/known_hosts');
    expect(command).toBe(
      "ssh -F /dev/null -i '/tmp/it'\\''s here/key' -o IdentitiesOnly=yes -o IdentityAgent=none -o BatchMode=yes -o 'UserKnownHostsFile=/tmp/x/known_hosts' -o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes -o ConnectTimeout=15",
    );
    expect(command).not.toMatch(/StrictHostKeyChecking=(no|accept-new)/);
  });
});

describe('withGitAuth with a deploy key', () => {
  it('writes the key and known_hosts 0600 into a private directory for the call only', async () => {
    let seen: { key: string; knownHosts: string } | undefined;
    const env = await withGitAuth(credential, async (auth) => {
      seen = filesOf(auth.env.GIT_SSH_COMMAND ?? '');
      expect(path.basename(path.dirname(seen.key))).toMatch(new RegExp(`^${SSH_KEY_DIR_PREFIX}`));
      expect(statSync(path.dirname(seen.key)).mode & 0o777).toBe(0o700);
      expect(statSync(seen.key).mode & 0o777).toBe(0o600);
      expect(statSync(seen.knownHosts).mode & 0o777).toBe(0o600);
      expect(await readFile(seen.key, 'utf8')).toBe(`${credential.privateKey}\n`);
      expect(await readFile(seen.knownHosts, 'utf8')).toBe(credential.knownHosts);
      return auth.env;
    });
    expect(env).toMatchObject({ GIT_SSH_VARIANT: 'ssh', GIT_TERMINAL_PROMPT: '0' });
    expect(env).not.toHaveProperty('SSH_AUTH_SOCK');
    expect(env).not.toHaveProperty('RP_GIT_PASSWORD');
    expect(existsSync(path.dirname(seen?.key ?? '/nonexistent'))).toBe(false);
  });

  it('removes the key when the git call fails', async () => {
    let dir = '';
    await expect(
      withGitAuth(credential, async (auth) => {
        dir = path.dirname(filesOf(auth.env.GIT_SSH_COMMAND ?? '').key);
        throw new Error('git timed out');
      }),
    ).rejects.toThrow('git timed out');
    expect(dir).not.toBe('');
    expect(existsSync(dir)).toBe(false);
  });

  it('keeps a token on askpass, without an ssh command', async () => {
    const env = await withGitAuth({ username: 'u', password: 'p' }, async (auth) => auth.env);
    expect(env).not.toHaveProperty('GIT_SSH_COMMAND');
    expect(env).toMatchObject({ RP_GIT_USERNAME: 'u', RP_GIT_PASSWORD: 'p' });
  });
});

describe('parseKeyscan', () => {
  it('keeps key lines only and fingerprints each key as ssh-keygen does', () => {
    // The blob of an ed25519 key whose fingerprint ssh-keygen -lf reports as below.
    const blob = 'AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl';
    const text = ['# github.com:22 SSH-2.0-babeld', `github.com ssh-ed25519 ${blob}`, 'github.com ssh-ed25519 not base64!', '@revoked * ssh-rsa AAAA', ''].join('\n');
    expect(parseKeyscan(text)).toEqual({
      knownHosts: `github.com ssh-ed25519 ${blob}\n`,
      fingerprints: [{ type: 'ssh-ed25519', fingerprint: 'SHA256:+DiY3wvvV6TuJJhbpZisF/zLDA0zPMSvHdkr4UvCOqU' }],
    });
    expect(parseKeyscan('# nothing\n')).toEqual({ knownHosts: '', fingerprints: [] });
  });
});
