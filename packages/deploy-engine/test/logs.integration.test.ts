import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSshTransport, startRelease, type EngineEvent, type ReleasePlan, type Target } from '../src/index.js';
import { createSampleAppRepo, freePort, samplePlan, sampleTargets, startSshHosts, type SampleAppRepo, type SshHosts } from './harness/index.js';
import { recorder, tempDir } from './helpers.js';

/** A target variable an administrator marked secret: no echo may show it. */
const SECRET = 'tok-5b1e9c-never-in-a-log';
/** A word only the before-release hook's text contains; the hook travels on stdin and must never be echoed. */
const HOOK_BODY_MARKER = 'hook-body-only-4d2a';

let ssh: SshHosts;
let repo: SampleAppRepo;
let targets: Target[];
const workDir = tempDir('rp-work-');
const transport = createSshTransport({ connectTimeoutMs: 5000 });

beforeAll(async () => {
  ssh = await startSshHosts(1);
  repo = createSampleAppRepo();
  targets = (await sampleTargets(ssh.hosts)).map((t) => ({ ...t, env: { ...t.env, API_TOKEN: SECRET } }));
});

afterAll(async () => {
  await ssh?.stopAll();
  repo?.remove();
});

const plan = (releaseId: string, commit: string, overrides: Partial<ReleasePlan> = {}) => samplePlan({ releaseId, gitUrl: repo.url, commit, workDir, targets }, overrides);

type Log = Extract<EngineEvent, { type: 'log' }>;
const texts = (logs: Log[], stage: string, stream: Log['stream']) => logs.filter((l) => l.stage === stage && l.stream === stream).map((l) => l.text);

describe('the release log says what ran and why it failed', () => {
  it('checkout names what was fetched and the commit with its subject; every step is echoed, no secret and no script text', async () => {
    const commit = repo.addCommit({ message: 'make the greeting friendlier' });
    const rec = recorder();
    const result = await startRelease(
      plan('l1', commit, {
        hooks: { 'before-release': `: ${HOOK_BODY_MARKER}\necho "before release $RELEASE_ID"` },
        healthcheck: { url: 'http://127.0.0.1:{{PORT}}/health?token={{API_TOKEN}}', retries: 10, intervalMs: 100 },
      }),
      { transport, onEvent: rec.onEvent },
    ).done;
    expect(result.status, JSON.stringify(result.error ?? result.targets)).toBe('succeeded');
    const logs = rec.of('log');

    expect(texts(logs, 'checkout', 'stdout')).toEqual([
      `fetched ${repo.url}: 1 new (main); 0 unchanged`,
      expect.stringMatching(new RegExp(`^commit ${commit}: make the greeting friendlier \\(Test, \\d{4}-\\d\\d-\\d\\dT`)),
    ]);
    expect(texts(logs, 'checkout', 'command')).toEqual([
      expect.stringMatching(/^\$ git init --bare --quiet \//),
      expect.stringMatching(/^\$ git -C \S+ fetch --quiet --prune --force -- file:\/\//),
      expect.stringMatching(/^\$ git -C \S+ archive --format=tar/),
      expect.stringMatching(/^\$ tar -xf /),
    ]);
    expect(texts(logs, 'build', 'command')).toEqual([expect.stringMatching(/^\$ printf "%s\\n" "\$COMMIT" > REVISION \(build command, .*env RELEASE_ID=… COMMIT=…\)$/)]);
    expect(texts(logs, 'package', 'command')).toEqual([expect.stringMatching(/^\$ tar --force-local -cf \S+ -I 'gzip -1' -C /)]);

    // Per target: one echo per step, the scripts by path, user, directory and variable names only.
    const deploy = targets[0]!.deployPath;
    const user = targets[0]!.server.username;
    const echoed = logs.filter((l) => l.stream === 'command' && l.target === 'host1').map((l) => `${l.stage}: ${l.text}`);
    expect(echoed).toEqual([
      `upload: $ tar -z -xf - -C ${deploy}/releases/l1.staged (the .tar.gz artifact on stdin, unpacked as it arrives)`,
      `hook:before-release: $ sh ${deploy}/.platform/scripts/l1/before-release.sh (as ${user}, in ${deploy}, env PORT=… API_TOKEN=… COMMIT=… RELEASE_ID=… RELEASE_PATH=… DEPLOY_PATH=… PROJECT=…)`,
      `release: $ mv -T ${deploy}/releases/l1.staged ${deploy}/releases/l1 && ln -sfn releases/l1 ${deploy}/current (shared: logs)`,
      `release: $ sh ${deploy}/.platform/scripts/l1/restart.sh (as ${user}, in ${deploy}/releases/l1, env PORT=… API_TOKEN=… RELEASE_ID=… RELEASE_PATH=… DEPLOY_PATH=… PROJECT=…)`,
      'healthcheck: $ curl --max-time 5 http://127.0.0.1:{{PORT}}/health?token={{API_TOKEN}} (from the target)',
      `cleanup: $ rm -rf old releases in ${deploy}/releases (keeping the newest 3 and l1)`,
    ]);
    expect(texts(logs, 'hook:before-release', 'stdout')).toEqual(['before release l1']);
    expect(texts(logs, 'healthcheck', 'stdout')).toEqual([expect.stringMatching(/^health check passed on attempt \d+\/11 \(HTTP 200\)$/)]);
    // The value is in the target's env and in the URL the host fetched, but in no event of the run.
    expect(JSON.stringify(rec.events)).not.toContain(SECRET);
    expect(logs.some((l) => l.text.includes(HOOK_BODY_MARKER) || l.text.includes('bin/restart.sh'))).toBe(false);

    const again = recorder();
    const next = repo.addCommit({ message: 'second version' });
    expect((await startRelease(plan('l2', next), { transport, onEvent: again.onEvent }).done).status).toBe('succeeded');
    expect(texts(again.of('log'), 'checkout', 'stdout')).toEqual([`fetched ${repo.url}: 1 updated (main); 0 unchanged`, expect.stringMatching(new RegExp(`^commit ${next}: second version \\(`))]);
  });

  it('a failing health command logs each attempt with its exit code and output, and the doubling wait', async () => {
    const rec = recorder();
    const result = await startRelease(
      plan('l3', repo.commits.at(-1)!, {
        healthcheck: { command: 'echo "probing the app"\necho "db not ready" >&2\nexit 3', retries: 2, intervalMs: 100 },
      }),
      { transport, onEvent: rec.onEvent },
    ).done;

    expect(result.status).toBe('failed');
    const why = 'exit 3: "probing the app ⏎ db not ready"';
    expect(texts(rec.of('log'), 'healthcheck', 'stderr')).toEqual([
      `health check attempt 1/3 failed (${why}); next attempt in 100 ms`,
      `health check attempt 2/3 failed (${why}); next attempt in 200 ms`,
      `health check attempt 3/3 failed (${why})`,
    ]);
    expect(texts(rec.of('log'), 'healthcheck', 'command')).toHaveLength(1);
    expect(result.targets.host1?.error).toMatchObject({ code: 'healthcheck-failed', message: `health check failed after 3 attempts: ${why}` });
  });

  it('a failing URL check logs the HTTP status and the start of the body; a closed port, the connection error', async () => {
    const unhealthy = repo.addCommit({ unhealthy: true });
    const rec = recorder();
    const result = await startRelease(plan('l4', unhealthy, { healthcheck: { url: 'http://127.0.0.1:{{PORT}}/health', retries: 4, intervalMs: 200, timeoutMs: 1000 } }), {
      transport,
      onEvent: rec.onEvent,
    }).done;
    expect(result.status).toBe('failed');
    const lines = texts(rec.of('log'), 'healthcheck', 'stderr');
    // The app may not listen yet at the first attempt (the restart returns once it is launched): refused, then 500.
    expect(lines.map((l) => l.replace(/ \(.*\)/, ''))).toEqual([
      'health check attempt 1/5 failed; next attempt in 200 ms',
      'health check attempt 2/5 failed; next attempt in 400 ms',
      'health check attempt 3/5 failed; next attempt in 800 ms',
      'health check attempt 4/5 failed; next attempt in 1.6 s',
      'health check attempt 5/5 failed',
    ]);
    expect(lines.at(-1)).toBe('health check attempt 5/5 failed (HTTP 500: "unhealthy l4")');
    expect(result.targets.host1?.error).toMatchObject({ message: 'health check failed after 5 attempts: HTTP 500: "unhealthy l4"' });

    const closed = await freePort();
    const refused = recorder();
    await startRelease(plan('l5', repo.commits[0]!, { healthcheck: { url: `http://127.0.0.1:${closed}/health`, retries: 0, timeoutMs: 1000 } }), {
      transport,
      onEvent: refused.onEvent,
    }).done;
    expect(texts(refused.of('log'), 'healthcheck', 'stderr')).toEqual([expect.stringMatching(new RegExp(`^health check attempt 1/1 failed \\(connection failed: Failed to connect to 127\\.0\\.0\\.1 port ${closed}`))]);
  });
});
