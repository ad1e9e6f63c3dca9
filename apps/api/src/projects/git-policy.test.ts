import { describe, expect, it } from 'vitest';
import { classifyAddress, gitHostOf, hostProblem, sshTargetOf, sshUrlProblem } from './git-policy.js';

describe('git URL hosts', () => {
  it.each([
    ['https://GitLab.Example.com:8443/team/app.git', 'gitlab.example.com'],
    ['ssh://git@10.0.0.5:2222/team/app.git', '10.0.0.5'],
    ['git@gitlab.example.com:team/app.git', 'gitlab.example.com'],
    ['https://[fd00:ec2::254]/x.git', 'fd00:ec2::254'],
    ['git://0x7f.1/x.git', '0x7f.1'],
    ['file:///srv/git/app.git', null],
  ])('%s connects to %s', (url, host) => expect(gitHostOf(url)).toBe(host));
});

describe('address classes', () => {
  it.each([
    ['169.254.169.254', 'metadata'],
    ['100.100.100.200', 'metadata'],
    ['fe80::1', 'metadata'],
    ['fd00:ec2::254', 'metadata'],
    ['::ffff:169.254.169.254', 'metadata'],
    ['127.0.0.1', 'loopback'],
    ['0.0.0.0', 'loopback'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.20.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['fd12:3456::1', 'private'],
    ['140.82.112.3', 'public'],
    ['2606:4700::1111', 'public'],
  ])('%s is %s', (address, kind) => expect(classifyAddress(address)).toBe(kind));

  it('refuses per GIT_ALLOW_PRIVATE_HOSTS, and metadata always', async () => {
    expect(await hostProblem('10.1.2.3', 'private')).toBeNull();
    expect(await hostProblem('10.1.2.3', 'refuse')).toMatch(/private address/);
    expect(await hostProblem('127.0.0.1', 'private')).toMatch(/loopback address; allowed only with GIT_ALLOW_PRIVATE_HOSTS=true/);
    expect(await hostProblem('127.0.0.1', 'all')).toBeNull();
    expect(await hostProblem('169.254.169.254', 'all')).toMatch(/metadata/);
    expect(await hostProblem('metadata.google.internal', 'all')).toMatch(/metadata/);
    // Resolved as git resolves it: inet_aton's short forms name loopback too.
    expect(await hostProblem('0x7f.1', 'private')).toMatch(/loopback/);
    expect(await hostProblem('localhost', 'private')).toMatch(/loopback/);
  });
});

describe('ssh Git URLs', () => {
  it.each([
    ['git@GitLab.example.com:team/app.git', { user: 'git', host: 'gitlab.example.com', port: 22 }],
    ['ssh://git@10.0.0.5:2222/team/app.git', { user: 'git', host: '10.0.0.5', port: 2222 }],
    ['ssh://[fd12::1]/x.git', { user: null, host: 'fd12::1', port: 22 }],
    ['https://gitlab.example.com/team/app.git', null],
    ['git://example.com/app.git', null],
    ['file:///srv/git/app.git', null],
  ])('%s connects as %j', (url, target) => expect(sshTargetOf(url)).toEqual(target));

  it.each([
    ['ssh://-oProxyCommand=touch%20x/app.git', /host/],
    ['ssh://-oProxyCommand=x@host/app.git', /user/],
    ['ssh://%2Doproxy@host/app.git', /user/],
    ['git@-host:app.git', /host/],
  ])('refuses %s, which would put an option on ssh\'s command line', (url, reason) => expect(sshUrlProblem(url)).toMatch(reason));

  it('accepts plain users, names and addresses, and leaves other URLs alone', () => {
    for (const url of ['git@gitlab.example.com:team/app.git', 'ssh://deploy_1@git-01.example.com:2222/a.git', 'ssh://[::1]:22/a.git', 'https://-x/app.git']) expect(sshUrlProblem(url)).toBeNull();
  });
});
