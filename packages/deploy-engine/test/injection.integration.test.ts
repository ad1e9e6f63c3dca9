import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlanValidationError, createSshTransport, listRefs, resolveRef, startRelease, type ReleasePlan, type Target } from '../src/index.js';
import { createSampleAppRepo, readHost, samplePlan, sampleTargets, startSshHosts, type SampleAppRepo, type SshHosts } from './harness/index.js';
import { recorder, tempDir } from './helpers.js';

let ssh: SshHosts;
let repo: SampleAppRepo;
let targets: Target[];
const workDir = tempDir('rp-work-');
const markerDir = tempDir('rp-marker-');
const marker = join(markerDir, 'pwned');
const transport = createSshTransport();

beforeAll(async () => {
  ssh = await startSshHosts(1);
  repo = createSampleAppRepo();
  targets = await sampleTargets(ssh.hosts);
});

afterAll(async () => {
  await ssh?.stopAll();
  repo?.remove();
});

const base = (overrides: Partial<ReleasePlan> = {}) => samplePlan({ releaseId: 'safe', gitUrl: repo.url, commit: repo.commits[0]!, workDir, targets }, overrides);
const t = () => targets[0]!;

const hostile: [string, () => ReleasePlan][] = [
  ['deploy path with ;', () => base({ targets: [{ ...t(), deployPath: `${t().deployPath};touch ${marker}` }] })],
  ['deploy path with $()', () => base({ targets: [{ ...t(), deployPath: `${t().deployPath}$(touch ${marker})` }] })],
  ['deploy path with ..', () => base({ targets: [{ ...t(), deployPath: `${t().deployPath}/../../tmp` }] })],
  ['release id with backticks', () => base({ releaseId: `r\`touch ${marker}\`` })],
  ['release id with newline', () => base({ releaseId: `r\ntouch ${marker}` })],
  ['commit that is not a sha', () => base({ source: { gitUrl: repo.url, commit: `$(touch ${marker})` } })],
  ['branch name instead of a sha', () => base({ source: { gitUrl: repo.url, commit: 'main' } })],
  ['hook name with ;', () => base({ hooks: { [`before-release;touch ${marker}`]: 'true' } as ReleasePlan['hooks'] })],
  ['shared dir with quotes', () => base({ sharedDirs: [`logs'; touch ${marker}; '`] })],
  ['artifact path with $()', () => base({ build: { artifactPaths: [`$(touch ${marker})`] } })],
  ['git url that is an option', () => base({ source: { gitUrl: `--upload-pack=touch${marker}`, commit: repo.commits[0]! } })],
  ['git url with ext transport', () => base({ source: { gitUrl: `ext::sh -c touch% ${marker}`, commit: repo.commits[0]! } })],
  ['health check URL that is not http', () => base({ healthcheck: { url: `file:///etc/passwd; touch ${marker}` } })],
  ['env name with ;', () => base({ targets: [{ ...t(), env: { ...t().env, [`X;touch ${marker}`]: '1' } }] })],
];

describe('hostile names are rejected before anything runs', () => {
  it.each(hostile)('%s', async (_name, make) => {
    const rec = recorder();
    const result = await startRelease(make(), { transport, onEvent: rec.onEvent }).done;
    expect(result.status).toBe('failed');
    expect(result.error).toMatchObject({ kind: 'engine', code: 'invalid-plan' });
    expect(rec.events.map((e) => e.type)).toEqual(['release.started', 'release.finished']);
    expect(existsSync(marker)).toBe(false);
  });

  it('refs with shell syntax are refused by resolveRef; git URLs that are options by listRefs', async () => {
    await expect(resolveRef(repo.url, `main;touch ${marker}`)).rejects.toBeInstanceOf(PlanValidationError);
    await expect(resolveRef(repo.url, `$(touch ${marker})`)).rejects.toBeInstanceOf(PlanValidationError);
    expect(await listRefs(`--upload-pack=touch${marker}`)).toMatchObject({ ok: false });
    expect(existsSync(marker)).toBe(false);
  });

  it('lists branches and annotated tags with the commits they point at', async () => {
    execFileSync('git', ['-c', 'user.name=T', '-c', 'user.email=t@example.com', 'tag', '-a', 'v1.0', '-m', 'release 1.0', repo.commits[0]!], { cwd: repo.dir });
    const listed = await listRefs(repo.url);
    expect(listed.ok && listed.refs.branches).toContainEqual({ name: 'main', sha: repo.commits.at(-1) });
    expect(listed.ok && listed.refs.tags).toEqual([{ name: 'v1.0', sha: repo.commits[0] }]);
    expect(await resolveRef(repo.url, 'v1.0')).toEqual({ ok: true, sha: repo.commits[0] });
    expect(await resolveRef(repo.url, 'no-such-branch')).toMatchObject({ ok: false });
  });

  it('a branch whose name contains shell syntax is listed as data and cannot be resolved', async () => {
    const evil = `evil$(touch${'${IFS}'}${marker})`;
    execFileSync('git', ['branch', evil], { cwd: repo.dir });
    const listed = await listRefs(repo.url);
    expect(listed.ok && listed.refs.branches.map((b) => b.name)).toContain(evil);
    await expect(resolveRef(repo.url, evil)).rejects.toBeInstanceOf(PlanValidationError);
    expect(await resolveRef(repo.url, 'main')).toEqual({ ok: true, sha: repo.commits[0] });
    expect(existsSync(marker)).toBe(false);
  });
});

describe('data that is allowed through is quoted, never executed', () => {
  it('env values, URLs and hook text reach the host literally', async () => {
    const nasty = `'; touch ${marker}; echo '$(touch ${marker})\`touch ${marker}\``;
    const plan = base({
      targets: [{ ...t(), env: { ...t().env, GREETING: nasty } }],
      hooks: {
        // The hook's own text is the operator's script and runs as written; only its data must stay data.
        'before-release': `printf '%s' "$GREETING" > "$DEPLOY_PATH/greeting.txt"\necho "it's a hook with 'quotes' and \\$(not expanded)"\n`,
      },
      healthcheck: { url: `http://127.0.0.1:{{PORT}}/health?q=$(touch${'${IFS}'}${marker})`, retries: 3, intervalMs: 100 },
    });
    const rec = recorder();
    const result = await startRelease(plan, { transport, onEvent: rec.onEvent }).done;

    expect(result.status, JSON.stringify(result)).toBe('succeeded');
    expect(readFileSync(join(t().deployPath, 'greeting.txt'), 'utf8')).toBe(nasty);
    expect(rec.of('log').some((l) => l.text === "it's a hook with 'quotes' and $(not expanded)")).toBe(true);
    expect(readHost(t().deployPath).current).toBe('safe');
    expect(existsSync(marker)).toBe(false);
  });
});
