import { describe, expect, it } from 'vitest';
import { gitCredentialOf, gitFailureMessage, gitOptionsOf } from './refs.js';

describe('git token access', () => {
  const access = { gitUrl: 'https://gitlab.example.com/team/app.git', token: { username: null, secret: 'glpat-a/b+c@d' } };

  it('hands git the token as a credential, never in the URL', () => {
    expect(gitCredentialOf(access)).toEqual({ username: 'oauth2', password: 'glpat-a/b+c@d' });
    expect(gitCredentialOf({ ...access, token: { username: 'ci-bot', secret: 't' } })).toEqual({ username: 'ci-bot', password: 't' });
    expect(gitOptionsOf({ gitUrl: access.gitUrl })).toEqual({});
  });

  it('masks every form of the token in git messages', () => {
    const url = new URL(access.gitUrl);
    url.username = 'oauth2';
    url.password = access.token.secret;
    const message = `fatal: unable to access '${url.toString()}': 401; raw glpat-a/b+c@d; encoded ${encodeURIComponent('glpat-a/b+c@d')}`;
    const clean = gitFailureMessage(access, message);
    expect(clean).not.toContain('glpat');
    expect(clean).toContain('https://oauth2:******@gitlab.example.com/team/app.git');
  });

  it('does not repeat what git says about file:// repositories, which would tell what exists on the disk', () => {
    const message = "git ls-remote failed: exit 128 fatal: '/etc/shadow' does not appear to be a git repository";
    expect(gitFailureMessage({ gitUrl: 'file:///etc/shadow' }, message)).toBe('Git could not read the repository (exit 128)');
  });
});

describe('deploy key access', () => {
  const pin = { host: 'git.example.com', port: 2222, knownHosts: '[git.example.com]:2222 ssh-ed25519 AAAA\n', fingerprints: [{ type: 'ssh-ed25519', fingerprint: 'SHA256:pinned' }], pinnedAt: new Date('2026-01-02T03:04:05.000Z') };
  const access = { gitUrl: 'ssh://git@git.example.com:2222/team/app.git', ssh: { privateKey: 'PRIVATE KEY TEXT', pin } };

  it('hands git the key with the pinned host keys only', () => {
    expect(gitOptionsOf(access)).toEqual({ credential: { privateKey: 'PRIVATE KEY TEXT', knownHosts: pin.knownHosts } });
  });

  it('says plainly when the host presents another key than the pinned one', () => {
    const message = 'git ls-remote failed: exit 128 @@@ WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED! @@@ … Host key verification failed.';
    expect(gitFailureMessage(access, message)).toBe(
      'the host key of git.example.com:2222 does not match the one pinned on 2026-01-02T03:04:05.000Z (fingerprint SHA256:pinned); an administrator can reset it under Git host keys',
    );
    expect(gitFailureMessage(access, 'git ls-remote failed: exit 128 git@git.example.com: Permission denied (publickey).')).toContain('Permission denied');
  });
});
