import { describe, expect, it } from 'vitest';
import { gitUrlProblem, relativePathProblem } from './validation.js';

describe('git URLs', () => {
  it.each([
    'https://gitlab.example.com/team/app.git',
    'ssh://git@gitlab.example.com:2222/team/app.git',
    'git://example.com/app.git',
    'file:///srv/git/app.git',
    'git@gitlab.example.com:team/app.git',
    'deploy@10.0.0.5:repos/app',
  ])('accepts %s', (url) => expect(gitUrlProblem(url)).toBeNull());

  it.each([
    ['http://example.com/app.git', /https, ssh, git or file/],
    ['ext::sh -c touch% /tmp/pwned', /whitespace/],
    ['ext::sh', /https, ssh/],
    ['-uhttps://x', /must not start/],
    ['https://user:glpat-secret@gitlab.example.com/app.git', /credential/],
    ['https://gitlab.example.com/app.git\n', /whitespace or control/],
    ['git@host::path', /https, ssh/],
    ['/srv/git/app.git', /https, ssh/],
    ['ssh:///srv/app.git', /has no host/],
  ])('refuses %s', (url, reason) => expect(gitUrlProblem(url)).toMatch(reason));
});

describe('relative paths', () => {
  it.each(['dist', 'target/app.jar', 'config/application.yml', 'storage/', '.env'])('accepts %s', (p) => expect(relativePathProblem(p)).toBeNull());
  it.each([
    ['/etc/passwd', /relative/],
    ['../up', /\.\./],
    ['a/../../b', /\.\./],
    ['./a', /"\."/],
    ['a//b', /empty/],
    ['-rf', /"-"/],
  ])('refuses %s', (p, reason) => expect(relativePathProblem(p)).toMatch(reason));
});
