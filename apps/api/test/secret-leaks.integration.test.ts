import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHttpsServer } from './helpers/git-https-server.js';
import { bearerProtocols } from './helpers/live-viewer.js';
import { releaseFixture, waitForState, type ReleaseFixture } from './helpers/release-fixture.js';
import { buildTestApp, type TestApp, type TestUser } from './helpers/test-app.js';

const TOKEN = 'glpat-Leak/Me@If+You=Can-8086';
const SECRET = 'Sec"ret\\Var/Value=42+x@y';

/** Every form a leak could take, computed here independently of the API's masker. */
function formsOf(secret: string, user?: string): string[] {
  const percent = encodeURIComponent(secret);
  const url = new URL('https://h.example/');
  url.password = secret;
  return [
    secret,
    percent,
    percent.replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase()),
    url.password,
    JSON.stringify(secret).slice(1, -1),
    Buffer.from(secret).toString('base64').replace(/=+$/, ''),
    ...(user ? [Buffer.from(`${user}:${secret}`).toString('base64').replace(/=+$/, '')] : []),
  ];
}
const FORMS = [...formsOf(TOKEN, 'ci-bot'), ...formsOf(SECRET)];

/**
 * Prints $SECRET_VAR raw, percent-encoded (as encodeURIComponent does), base64, as HTTP Basic would carry it, and
 * JSON-escaped, on stdout and stderr, then fails. Pure POSIX sh and coreutils: it runs in the build sandbox and on
 * the targets alike.
 */
const LEAK_AND_FAIL = `enc() { s="$1"; out=""; while [ -n "$s" ]; do c="\${s%"\${s#?}"}"; s="\${s#?}"; case "$c" in [A-Za-z0-9_.~-]) out="$out$c";; *) out="$out$(printf '%%%02X' "'$c")";; esac; done; printf '%s\\n' "$out"; }
printf 'raw %s\\n' "$SECRET_VAR"
printf 'raw on stderr %s\\n' "$SECRET_VAR" >&2
enc "$SECRET_VAR"
printf '%s' "$SECRET_VAR" | base64
printf 'ci-bot:%s' "$SECRET_VAR" | base64 >&2
printf '{"value":"%s"}\\n' "$(printf '%s' "$SECRET_VAR" | sed 's/\\\\/\\\\\\\\/g; s/"/\\\\"/g')"
echo "failing with $SECRET_VAR" >&2
exit 1`;

function pgDump(): string {
  const dirs = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a)) : [];
  return dirs.map((v) => `/usr/lib/postgresql/${v}/bin/pg_dump`).find((p) => existsSync(p)) ?? 'pg_dump';
}

describe('a Git token and a secret variable never leak, whichever stage fails', () => {
  let t: TestApp;
  let f: ReleaseFixture;
  let admin: TestUser;
  let baseUrl: string;
  let server: Awaited<ReturnType<typeof startGitHttpsServer>>;
  let repoName: string;
  const home = process.env.HOME;
  /** Every text any client was sent: REST bodies and raw WebSocket messages. */
  const seen: { where: string; text: string }[] = [];

  beforeAll(async () => {
    t = await buildTestApp({ WORKER_ENABLED: 'true', WORKER_HEARTBEAT_SECONDS: '1' });
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    baseUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    f = await releaseFixture(t, { hosts: 1, requireApproval: true });
    admin = await t.createUser({ isAdmin: true });
    server = await startGitHttpsServer({ root: path.dirname(f.repo.dir), username: 'ci-bot', password: TOKEN });
    process.env.HOME = server.home;
    repoName = path.basename(f.repo.dir);

    const ok = async (method: 'POST' | 'PATCH', url: string, payload: object) => {
      const response = await t.call(f.owner.token, { method, url, payload });
      expect(response.statusCode, response.body).toBeLessThan(300);
      return response.json();
    };
    const credential = await ok('POST', '/api/credentials', { groupId: f.groupId, name: 'git', kind: 'git_token', username: 'ci-bot', token: TOKEN });
    await ok('PATCH', `/api/projects/${f.projectId}`, { gitUrl: server.urlOf(repoName), gitCredentialId: credential.id });
    await ok('PATCH', `/api/environments/${f.environmentId}`, { variables: [{ key: 'SECRET_VAR', value: SECRET, secret: true }] });
  });
  afterAll(async () => {
    process.env.HOME = home;
    await t?.close();
    await server?.close();
    await f?.cleanup();
  });

  const patchProject = async (payload: object) => {
    const response = await t.call(f.owner.token, { method: 'PATCH', url: `/api/projects/${f.projectId}`, payload });
    expect(response.statusCode, response.body).toBe(200);
  };
  const deployDir = () => path.join(f.hosts.hosts[0]?.deployRoot ?? '', 'app');

  /** Releases main with a viewer attached, waits for the end, and keeps every text a client could read of it. */
  async function release(stage: string, beforeApproval: () => unknown = () => undefined): Promise<{ state: string; error: string | null; failedStage: string | null; log: string }> {
    const created = await t.call(f.developer.token, { method: 'POST', url: '/api/releases', payload: { environmentId: f.environmentId, ref: 'main' } });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    const socket = new WebSocket(`${baseUrl.replace('http', 'ws')}/ws/releases/${id}`, bearerProtocols(f.developer.token));
    let finished = false;
    socket.on('message', (raw) => {
      const text = raw.toString();
      seen.push({ where: `${stage}: websocket`, text });
      if (text.includes('release.finished')) finished = true;
    });
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    await beforeApproval();
    expect((await t.call(f.owner.token, { method: 'POST', url: `/api/releases/${id}/approve`, payload: {} })).statusCode).toBe(200);
    const done = await waitForState(t, f.developer.token, id, ['succeeded', 'failed', 'aborted', 'interrupted'], 40_000);
    const events = (await t.call(f.developer.token, { method: 'GET', url: `/api/releases/${id}/logs?limit=10000` })).json().events as { type: string; stage: string | null }[];
    // A run refused before it started has no events; any other reaches the viewer up to its last one.
    const deadline = Date.now() + 10_000;
    while (!finished && events.length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    socket.close();

    const log = (await t.call(f.developer.token, { method: 'GET', url: `/api/releases/${id}/logs.txt` })).body;
    for (const url of [`/api/releases/${id}`, `/api/releases/${id}/logs?limit=10000`, `/api/releases/${id}/logs.txt`, `/api/releases?environmentId=${f.environmentId}`]) {
      seen.push({ where: `${stage}: GET ${url}`, text: (await t.call(f.developer.token, { method: 'GET', url })).body });
    }
    const failedStage = events.find((e) => e.type === 'stage.finished' && JSON.stringify(e).includes('"failed"'))?.stage ?? null;
    const target = done.targets[0] as { error: string | null; stage: string | null } | undefined;
    return { state: done.state, error: [done.error, target?.error].filter(Boolean).join('\n') || null, failedStage: failedStage ?? target?.stage ?? null, log };
  }

  const expectMaskedFailure = (outcome: Awaited<ReturnType<typeof release>>) => {
    expect(outcome.state, outcome.error ?? '').toBe('failed');
    for (const form of FORMS) {
      expect(outcome.log).not.toContain(form);
      expect(outcome.error ?? '').not.toContain(form);
    }
  };

  it('checkout: the repository is gone (git repeats the URL)', async () => {
    const moved = `${f.repo.dir}-moved`;
    try {
      const outcome = await release('checkout', () => renameSync(f.repo.dir, moved));
      expectMaskedFailure(outcome);
      expect(outcome.failedStage).toBe('checkout');
      expect(outcome.error).toContain(server.urlOf(repoName));
    } finally {
      if (existsSync(moved)) renameSync(moved, f.repo.dir);
    }
    expect(server.basicCredentials).toContain(`ci-bot:${TOKEN}`);
  });

  it('build: the build command prints the secret in every form and fails', async () => {
    await patchProject({ buildCommand: LEAK_AND_FAIL });
    const outcome = await release('build');
    expectMaskedFailure(outcome);
    expect(outcome.failedStage).toBe('build');
    // The secret was really printed: the log shows where the mask replaced it.
    expect(outcome.log).toContain('raw ******');
    expect(outcome.log).toContain('failing with ******');
    await patchProject({ buildCommand: 'printf "%s\\n" "$COMMIT" > REVISION' });
  });

  it('upload: the release directory cannot be created', async () => {
    mkdirSync(deployDir(), { recursive: true });
    rmSync(path.join(deployDir(), 'releases'), { recursive: true, force: true });
    writeFileSync(path.join(deployDir(), 'releases'), `not a directory ${SECRET.length}\n`);
    try {
      const outcome = await release('upload');
      expectMaskedFailure(outcome);
      expect(['prepare', 'upload']).toContain(outcome.failedStage);
    } finally {
      rmSync(path.join(deployDir(), 'releases'), { force: true });
    }
  });

  it('hook:before-release: the hook prints the secret and fails', async () => {
    await patchProject({ hooks: { 'before-release': LEAK_AND_FAIL } });
    const outcome = await release('before-release');
    expectMaskedFailure(outcome);
    expect(outcome.failedStage).toBe('hook:before-release');
    expect(outcome.log).toContain('raw ******');
    await patchProject({ hooks: { 'before-release': null } });
  });

  it('release: the switch cannot replace `current`', async () => {
    const current = path.join(deployDir(), 'current');
    rmSync(current, { recursive: true, force: true });
    mkdirSync(path.join(current, 'blocker'), { recursive: true });
    try {
      const outcome = await release('release');
      expectMaskedFailure(outcome);
      expect(outcome.failedStage).toBe('release');
    } finally {
      rmSync(current, { recursive: true, force: true });
    }
  });

  it('healthcheck: the check prints the secret and fails', async () => {
    await patchProject({ healthCheck: { type: 'command', command: LEAK_AND_FAIL, retries: 0, timeoutSeconds: 5 } });
    const outcome = await release('healthcheck');
    expectMaskedFailure(outcome);
    expect(outcome.failedStage).toBe('healthcheck');
    expect(`${outcome.log}\n${outcome.error}`).toContain('******');
  });

  it('hook:after-release: the hook prints the secret and fails', async () => {
    await patchProject({ healthCheck: null, hooks: { 'after-release': LEAK_AND_FAIL } });
    const outcome = await release('after-release');
    expectMaskedFailure(outcome);
    expect(outcome.failedStage).toBe('hook:after-release');
    expect(outcome.log).toContain('raw ******');
  });

  it('a token bound elsewhere after the release was created is not sent: the worker fails the release with the reason', async () => {
    await patchProject({ hooks: { 'after-release': null } });
    let requests = 0;
    const credentialId = (await t.db.project.findUniqueOrThrow({ where: { id: f.projectId } })).gitCredentialId ?? '';
    try {
      // Rebound between creation (which resolved the ref with the token) and the run.
      const outcome = await release('refused', () => {
        requests = server.basicCredentials.length;
        return t.db.credential.update({ where: { id: credentialId }, data: { boundHost: 'elsewhere.example' } });
      });
      expect(outcome.state).toBe('failed');
      expect(outcome.error).toMatch(/^Credential "git" is bound to elsewhere\.example; it is never sent to 127\.0\.0\.1/);
      expect(server.basicCredentials).toHaveLength(requests);
    } finally {
      await t.db.credential.update({ where: { id: credentialId }, data: { boundHost: '127.0.0.1' } });
    }
  });

  it('no response, WebSocket message or database row holds either secret in any form', async () => {
    expect(seen.filter((s) => s.where.endsWith('websocket')).length).toBeGreaterThan(7);
    for (const url of [`/api/projects/${f.projectId}`, `/api/environments/${f.environmentId}`, '/api/credentials?pageSize=200', '/api/audit?pageSize=200']) {
      seen.push({ where: `GET ${url}`, text: (await t.call(admin.token, { method: 'GET', url })).body });
    }
    for (const { where, text } of seen) for (const form of FORMS) expect(text.includes(form), `${where} contains ${form}`).toBe(false);
    // What `ps` showed while git talked to the server: the token reached git through askpass, never its argv.
    expect([...server.commandLines].some((line) => line.includes(server.urlOf(repoName)))).toBe(true);
    for (const line of server.commandLines) for (const form of FORMS) expect(line.includes(form), `argv ${line} contains ${form}`).toBe(false);

    const dump = execFileSync(pgDump(), ['--data-only', '--no-owner', t.database.url], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    expect(dump).toContain('******');
    for (const form of FORMS) expect(dump.includes(form), `pg_dump contains ${form}`).toBe(false);
  });
});
