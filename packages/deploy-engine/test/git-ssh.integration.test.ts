import { readdirSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSshTransport, listCommits, listRefs, scanHostKeys, startRelease, type GitSshCredential } from '../src/index.js';
import { SSH_KEY_DIR_PREFIX } from '../src/git/ssh.js';
import { createSampleAppRepo, readHost, samplePlan, sampleTargets, startSshHosts, type SampleAppRepo, type SshHosts } from './harness/index.js';
import { tempDir } from './helpers.js';

/** Git over SSH with a deploy key and pinned host keys, against real sshd hosts serving a repository by git-upload-pack. */
describe('git over ssh', () => {
  let ssh: SshHosts;
  let repo: SampleAppRepo;
  let url: string;
  let pinned: GitSshCredential;
  const tmp = tempDir('rp-ssh-checkout-tmp-');
  const previousTmp = process.env.TMPDIR;

  beforeAll(async () => {
    ssh = await startSshHosts(2);
    repo = createSampleAppRepo();
    const [host] = ssh.hosts;
    if (!host) throw new Error('no ssh host');
    url = `ssh://${host.username}@${host.host}:${host.port}${repo.dir}`;
    const scan = await scanHostKeys(host.host, host.port);
    if (!scan.ok) throw new Error(scan.message);
    pinned = { privateKey: host.privateKey, knownHosts: scan.knownHosts };
    // Where the deploy key's directories would be left behind.
    process.env.TMPDIR = tmp;
  });
  afterAll(async () => {
    if (previousTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previousTmp;
    await ssh?.stopAll();
    repo?.remove();
    rmSync(tmp, { recursive: true, force: true });
  });

  const leftKeys = () => readdirSync(tmp).filter((name) => name.startsWith(SSH_KEY_DIR_PREFIX));

  it('scans a host key with the fingerprint the host has', async () => {
    const host = ssh.hosts[0]!;
    const scan = await scanHostKeys(host.host, host.port);
    expect(scan).toMatchObject({ ok: true, fingerprints: [{ type: 'ssh-ed25519', fingerprint: host.hostKeyFingerprint }] });
    expect(scan.ok && scan.knownHosts).toMatch(new RegExp(`^\\[127\\.0\\.0\\.1\\]:${host.port} ssh-ed25519 \\S+\\n$`));
    expect(await scanHostKeys('-oProxyCommand=touch /tmp/x', 22)).toMatchObject({ ok: false });
    const closed = await scanHostKeys('127.0.0.1', 1);
    expect(closed).toMatchObject({ ok: false, message: expect.stringContaining('no SSH host key could be read from 127.0.0.1:1') });
  });

  it('lists refs and commits with the deploy key and the pinned host key, leaving no key behind', async () => {
    const refs = await listRefs(url, { credential: pinned });
    expect(refs).toEqual({ ok: true, refs: { branches: [{ name: 'main', sha: repo.commits[0] }], tags: [] } });
    const commits = await listCommits(url, { credential: pinned, limit: 5 });
    expect(commits.ok && commits.commits.map((c) => c.sha)).toEqual([repo.commits[0]]);
    expect(leftKeys()).toEqual([]);
  });

  it('refuses a host whose key is not the pinned one, and an unpinned host', async () => {
    const [first, second] = ssh.hosts;
    const other = await scanHostKeys(second!.host, second!.port);
    if (!other.ok) throw new Error(other.message);
    // The second host's key under the first host's name: the first host now presents a key that is not pinned.
    const wrong = { ...pinned, knownHosts: other.knownHosts.replace(`:${second!.port} `, `:${first!.port} `) };
    const changed = await listRefs(url, { credential: wrong });
    expect(changed).toMatchObject({ ok: false, message: expect.stringMatching(/REMOTE HOST IDENTIFICATION HAS CHANGED[\s\S]*Host key verification failed/) });
    const unknown = await listRefs(url, { credential: { ...pinned, knownHosts: '' } });
    expect(unknown).toMatchObject({ ok: false, message: expect.stringContaining('Host key verification failed') });
    expect(leftKeys()).toEqual([]);
  });

  it('refuses a key the host does not accept instead of trying any other identity', async () => {
    const refused = await listRefs(url, { credential: { ...pinned, privateKey: 'not a key' } });
    expect(refused).toMatchObject({ ok: false, message: expect.stringMatching(/Permission denied|invalid format|error in libcrypto/) });
  });

  it('checks out a release over ssh', async () => {
    const targets = await sampleTargets(ssh.hosts.slice(0, 1));
    const workDir = tempDir('rp-ssh-checkout-work-');
    const plan = samplePlan({ releaseId: 'ssh1', gitUrl: url, commit: repo.commits[0]!, workDir, targets });
    plan.source.gitCredential = pinned;
    const result = await startRelease(plan, { transport: createSshTransport({ connectTimeoutMs: 5000 }) }).done;
    expect(result.status, JSON.stringify(result.error ?? result.targets)).toBe('succeeded');
    expect(readHost(targets[0]!.deployPath).current).toBe('ssh1');
    expect(leftKeys()).toEqual([]);

    plan.releaseId = 'ssh2';
    plan.source.gitCredential = { ...pinned, knownHosts: '' };
    plan.source.commit = repo.addCommit();
    const refused = await startRelease(plan, { transport: createSshTransport({ connectTimeoutMs: 5000 }) }).done;
    expect(refused.status).toBe('failed');
    expect(JSON.stringify(refused.error)).toContain('Host key verification failed');
    expect(leftKeys()).toEqual([]);
  });
});
