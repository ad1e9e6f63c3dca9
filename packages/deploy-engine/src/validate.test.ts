import { describe, expect, it } from 'vitest';
import {
  checkCommitSha,
  checkDeployPath,
  checkEnvName,
  checkGitUrl,
  checkHookName,
  checkProjectName,
  checkRefName,
  checkRelativePath,
  checkReleaseId,
} from './validate.js';

const injections = ['a;touch /tmp/x', 'a$(touch /tmp/x)', 'a`touch /tmp/x`', "a'b", 'a"b', 'a\nb', 'a b', 'a|b', 'a&b', 'a>b'];

describe('checkReleaseId', () => {
  it.each(['20261123-1', 'r1', 'v1.2.3_build-4'])('accepts %j', (id) => expect(checkReleaseId(id).ok).toBe(true));
  it.each([...injections, '', '..', 'a..b', '-rf', '.hidden', 'a/b'])('rejects %j', (id) => expect(checkReleaseId(id).ok).toBe(false));
});

describe('checkProjectName', () => {
  it('accepts ordinary names and rejects traversal', () => {
    expect(checkProjectName('shop-api').ok).toBe(true);
    expect(checkProjectName('../etc').ok).toBe(false);
    expect(checkProjectName('a;b').ok).toBe(false);
  });
});

describe('checkCommitSha', () => {
  it('accepts only a full lowercase sha', () => {
    expect(checkCommitSha('a'.repeat(40)).ok).toBe(true);
    expect(checkCommitSha('a'.repeat(39)).ok).toBe(false);
    expect(checkCommitSha('main').ok).toBe(false);
    expect(checkCommitSha('A'.repeat(40)).ok).toBe(false);
    expect(checkCommitSha(`${'a'.repeat(40)};id`).ok).toBe(false);
  });
});

describe('checkDeployPath', () => {
  it.each(['/srv/app', '/srv/app/', '/home/deploy/shop-api_prod', '/data/a.b/c@d+e'])('accepts %j', (p) => expect(checkDeployPath(p).ok).toBe(true));
  it.each(['srv/app', '/', '///', '/srv/../etc', '/srv/./app', '/srv/-rf', ...injections.map((i) => `/srv/${i}`)])('rejects %j', (p) =>
    expect(checkDeployPath(p).ok).toBe(false),
  );
  it('explains the reason', () => {
    const check = checkDeployPath('/srv/$(id)');
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.reason).toMatch(/character/);
  });
});

describe('checkRelativePath', () => {
  it('accepts nested relative paths and rejects absolute or escaping ones', () => {
    expect(checkRelativePath('storage/logs').ok).toBe(true);
    expect(checkRelativePath('.env').ok).toBe(true);
    expect(checkRelativePath('/etc/passwd').ok).toBe(false);
    expect(checkRelativePath('../x').ok).toBe(false);
    expect(checkRelativePath('a/../../x').ok).toBe(false);
    expect(checkRelativePath('a;b').ok).toBe(false);
  });
});

describe('checkHookName', () => {
  it('accepts known hooks only', () => {
    expect(checkHookName('before-release').ok).toBe(true);
    expect(checkHookName('before-release;touch x').ok).toBe(false);
    expect(checkHookName('$(id)').ok).toBe(false);
  });
});

describe('checkEnvName', () => {
  it('accepts identifiers only', () => {
    expect(checkEnvName('PORT').ok).toBe(true);
    expect(checkEnvName('A=B').ok).toBe(false);
    expect(checkEnvName('X;id').ok).toBe(false);
  });
});

describe('checkRefName', () => {
  it.each(['main', 'release/1.2', 'v1.0.0', 'feature_x-y'])('accepts %j', (r) => expect(checkRefName(r).ok).toBe(true));
  it.each([...injections, '', '-main', 'a..b', 'a.lock', 'a//b', 'a@{1}', '.a', 'a/.b', 'a/'])('rejects %j', (r) =>
    expect(checkRefName(r).ok).toBe(false),
  );
});

describe('checkGitUrl', () => {
  it.each(['https://example.com/a.git', 'ssh://git@h:22/a.git', 'git@gitlab.local:group/app.git', 'file:///tmp/repo.git', 'git://127.0.0.1/x'])(
    'accepts %j',
    (u) => expect(checkGitUrl(u).ok).toBe(true),
  );
  it.each(['--upload-pack=touch /tmp/x', 'ext::sh -c touch% /tmp/x', '/tmp/repo', 'https://a b', 'https://a\nb', 'fd::17'])('rejects %j', (u) =>
    expect(checkGitUrl(u).ok).toBe(false),
  );
});
