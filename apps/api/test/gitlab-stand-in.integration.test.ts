import { Gitlab, GitbeakerRequestError, GitbeakerRetryError } from '@gitbeaker/rest';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitLabStandIn, type GitLabStandIn } from './helpers/gitlab-stand-in/index.js';

// Asynchronous on purpose: the stand-in serves git from this same process, so a synchronous git would deadlock.
const run = promisify(execFile);

/** A webhook receiver that records every request and answers 200. */
async function startReceiver() {
  const received: { headers: IncomingHttpHeaders; body: Record<string, unknown> }[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown> });
      response.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/gitlab`, received, close: () => new Promise((resolve) => server.close(resolve)) };
}

describe('GitLab stand-in through @gitbeaker/rest', () => {
  let gitlab: GitLabStandIn;
  let api: Gitlab<false>;

  beforeAll(async () => {
    gitlab = await startGitLabStandIn({ token: 'glpat-test-token', username: 'release-bot', scopes: ['api'] });
    api = new Gitlab({ host: gitlab.url, token: gitlab.token });
  });
  afterAll(() => gitlab.close());

  it('is served under the sub-path and answers the current user and the token itself', async () => {
    expect(gitlab.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/gitlab$/);
    const user = await api.Users.showCurrentUser();
    expect(user).toMatchObject({ id: 1, username: 'release-bot', state: 'active', web_url: `${gitlab.url}/release-bot` });
    const token = await api.PersonalAccessTokens.show();
    expect(token).toMatchObject({ scopes: ['api'], active: true, revoked: false, user_id: 1 });
    expect(gitlab.requests.at(-1)).toMatchObject({ method: 'GET', path: '/personal_access_tokens/self', authorised: true });
    // Without the sub-path nothing answers.
    const bare = await fetch(`${new URL(gitlab.url).origin}/api/v4/user`, { headers: { 'private-token': gitlab.token } });
    expect(bare.status).toBe(404);
  });

  it('refuses a wrong or missing token with 401 and accepts a Bearer token', async () => {
    const wrong = new Gitlab({ host: gitlab.url, token: 'glpat-wrong' });
    const error = await wrong.Users.showCurrentUser().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitbeakerRequestError);
    expect((error as GitbeakerRequestError).cause?.response.status).toBe(401);
    expect((error as GitbeakerRequestError).message).toBe('401 Unauthorized');
    const missing = await fetch(`${gitlab.url}/api/v4/user`);
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({ message: '401 Unauthorized' });
    expect(gitlab.requests.at(-1)).toMatchObject({ path: '/user', authorised: false });
    const bearer = await fetch(`${gitlab.url}/api/v4/user`, { headers: { authorization: `Bearer ${gitlab.token}` } });
    expect(bearer.status).toBe(200);
  });

  it('answers 404 like GitLab for an unknown project, by id or by path', async () => {
    const byId = await fetch(`${gitlab.url}/api/v4/projects/999999`, { headers: { 'private-token': gitlab.token } });
    expect(byId.status).toBe(404);
    expect(await byId.json()).toEqual({ message: '404 Project Not Found' });
    const error = await api.Projects.show('nobody/nothing').catch((e: unknown) => e);
    expect((error as GitbeakerRequestError).message).toBe('404 Project Not Found');
  });

  it('lists 250 projects once each, in id order, through keyset pagination', async () => {
    const local = await startGitLabStandIn();
    try {
      local.addManyProjects(250, { namespace: 'fleet' });
      const client = new Gitlab({ host: local.url, token: local.token });
      const projects = await client.Projects.all({ membership: true, simple: true, pagination: 'keyset', orderBy: 'id', sort: 'asc', perPage: 100 });
      expect(projects.map((p) => p.id)).toEqual(Array.from({ length: 250 }, (_, i) => i + 1));
      expect(projects[0]).toMatchObject({ path_with_namespace: 'fleet/project-1', namespace: { kind: 'group', full_path: 'fleet' } });
      const pages = local.requests.filter((r) => r.path === '/projects');
      expect(pages.map((r) => r.query.id_after)).toEqual([undefined, '100', '200']);
      const first = await fetch(`${local.url}/api/v4/projects?pagination=keyset&order_by=id&sort=desc&per_page=100`, { headers: { 'private-token': local.token } });
      expect(first.headers.get('x-total')).toBeNull();
      expect(first.headers.get('link')).toBe(`<${local.url}/api/v4/projects?pagination=keyset&order_by=id&sort=desc&per_page=100&id_before=151>; rel="next"`);
      const unsupported = await fetch(`${local.url}/api/v4/projects?pagination=keyset&order_by=name`, { headers: { 'private-token': local.token } });
      expect(unsupported.status).toBe(405);
    } finally {
      await local.close();
    }
  });

  it('pages with offsets and the X-* headers, and filters by archived, search and last activity', async () => {
    const local = await startGitLabStandIn();
    try {
      local.addManyProjects(45, { namespace: 'fleet' });
      const old = new Date().toISOString();
      await new Promise((resolve) => setTimeout(resolve, 5));
      const live = local.addProject({ path: 'live-app', namespace: 'team' });
      local.addProject({ path: 'old-app', namespace: 'team', archived: true });
      const client = new Gitlab({ host: local.url, token: local.token });
      const page = await client.Projects.all({ pagination: 'offset', perPage: 20, page: 2, orderBy: 'id', sort: 'asc', showExpanded: true });
      expect(page.data.map((p) => p.id)).toEqual(Array.from({ length: 20 }, (_, i) => i + 21));
      expect(page.paginationInfo).toEqual({ total: 47, next: 3, current: 2, previous: 1, perPage: 20, totalPages: 3 });
      const response = await fetch(`${local.url}/api/v4/projects?per_page=20&page=3`, { headers: { 'private-token': local.token } });
      expect(response.headers.get('link')).toContain('rel="prev"');
      expect(response.headers.get('link')).not.toContain('rel="next"');
      expect(response.headers.get('x-next-page')).toBe('');
      expect((await client.Projects.all({ archived: true })).map((p) => p.path)).toEqual(['old-app']);
      expect((await client.Projects.all({ search: 'app', archived: false })).map((p) => p.id)).toEqual([live.id]);
      expect((await client.Projects.all({ lastActivityAfter: old })).map((p) => p.path).sort()).toEqual(['live-app', 'old-app']);
      const full = await client.Projects.show('team/live-app');
      expect(full).toMatchObject({ id: live.id, default_branch: 'main', archived: false, visibility: 'private', http_url_to_repo: live.httpUrl, web_url: `${local.url}/team/live-app` });
      const simple = await client.Projects.all({ simple: true, search: 'live' });
      expect(simple[0]).not.toHaveProperty('archived');
    } finally {
      await local.close();
    }
  });

  it('answers 429 with Retry-After and RateLimit-* headers; gitbeaker retries 429 itself, ten tries at most', async () => {
    gitlab.rateLimitNext(1, 7);
    const raw = await fetch(`${gitlab.url}/api/v4/user`, { headers: { 'private-token': gitlab.token } });
    expect(raw.status).toBe(429);
    expect(raw.headers.get('retry-after')).toBe('7');
    expect(raw.headers.get('ratelimit-remaining')).toBe('0');
    expect(Number(raw.headers.get('ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
    expect(raw.headers.get('ratelimit-limit')).toMatch(/^\d+$/);

    // gitbeaker 43's requester retries 429 and 502 up to 10 times, waiting 2^i × 0.25 ms, and ignores Retry-After.
    gitlab.rateLimitNext(3, 60);
    const before = gitlab.requests.length;
    const started = Date.now();
    await expect(api.Users.showCurrentUser()).resolves.toMatchObject({ username: 'release-bot' });
    expect(gitlab.requests.length - before).toBe(4);
    expect(Date.now() - started).toBeLessThan(5_000);

    gitlab.rateLimitNext(10, 60);
    const error = await api.Users.showCurrentUser().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitbeakerRetryError);
    expect((error as Error).message).toContain('last status code: 429');
  });

  describe('a project with real commits', () => {
    let projectId: number;
    let initial: string;
    let second: string;
    let feature: string;

    beforeAll(async () => {
      const project = gitlab.addProject({ path: 'shop', namespace: 'acme', description: 'The shop' });
      projectId = project.id;
      initial = (await api.Branches.show(projectId, 'main')).commit.id as string;
      second = gitlab.commit(projectId, { branch: 'main', message: 'Add checkout\n\nWith a body.', authorName: 'Ada Lovelace', files: { 'src/checkout.ts': 'export {};\n' } });
      feature = gitlab.commit(projectId, { branch: 'feature/pay', message: 'Pay button' });
    });

    it('lists branches, including one with a slash in its name', async () => {
      const branches = await api.Branches.all(projectId);
      expect(branches.map((b) => b.name).sort()).toEqual(['feature/pay', 'main']);
      const main = branches.find((b) => b.name === 'main');
      expect(main).toMatchObject({ default: true, protected: true, merged: false, commit: { id: second, short_id: second.slice(0, 8), title: 'Add checkout', message: 'Add checkout\n\nWith a body.\n', author_name: 'Ada Lovelace' } });
      expect(main?.commit.web_url).toBe(`${gitlab.url}/acme/shop/-/commit/${second}`);
      const pay = await api.Branches.show(projectId, 'feature/pay');
      expect(pay).toMatchObject({ name: 'feature/pay', default: false, commit: { id: feature } });
      expect((await api.Branches.all(projectId, { search: '^feat' })).map((b) => b.name)).toEqual(['feature/pay']);
      const error = await api.Branches.show(projectId, 'nope').catch((e: unknown) => e);
      expect((error as Error).message).toBe('404 Branch Not Found');
    });

    it('lists commits newest first, one commit with stats, and tags', async () => {
      const commits = await api.Commits.all(projectId, { refName: 'main' });
      expect(commits.map((c) => c.id)).toEqual([second, initial]);
      expect(commits[0]).toMatchObject({ parent_ids: [initial], author_email: 'ada.lovelace@example.com' });
      const paged = await api.Commits.all(projectId, { refName: 'feature/pay', perPage: 1, page: 1 });
      expect(paged.map((c) => c.id)).toEqual([feature]);
      expect((await api.Commits.all(projectId, { refName: 'main', since: '2999-01-01T00:00:00Z' })).length).toBe(0);
      const one = await api.Commits.show(projectId, second);
      expect(one).toMatchObject({ id: second, stats: { additions: 1, deletions: 0, total: 1 }, project_id: projectId });
      await gitlab.deliverTagPush(projectId, { tag: 'v1.0.0', sha: second });
      const tags = await api.Tags.all(projectId);
      expect(tags).toMatchObject([{ name: 'v1.0.0', target: second, commit: { id: second }, release: null }]);
    });

    it('compares two refs, oldest commit first', async () => {
      const compare = await api.Repositories.compare(projectId, initial, 'feature/pay');
      expect(compare.commits?.map((c) => c.id)).toEqual([second, feature]);
      expect(compare).toMatchObject({ commit: { id: feature }, compare_timeout: false, compare_same_ref: false, web_url: `${gitlab.url}/acme/shop/-/compare/${initial}...${feature}` });
      expect(compare.diffs?.map((d) => d.new_path).sort()).toEqual(['changes/1.txt', 'src/checkout.ts']);
    });

    it('serves the real repository over smart HTTP for git clone', async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'gl-clone-'));
      const env = { ...process.env, GIT_TERMINAL_PROMPT: '0' };
      try {
        const http = `${gitlab.url}/acme/shop.git`;
        await expect(run('git', ['clone', '--quiet', http, path.join(dir, 'anon')], { env })).rejects.toThrow(/Authentication failed|could not read Username/);
        const withToken = http.replace('http://', `http://oauth2:${gitlab.token}@`);
        await run('git', ['clone', '--quiet', '--branch', 'feature/pay', withToken, path.join(dir, 'auth')], { env });
        expect(readFileSync(path.join(dir, 'auth', 'src/checkout.ts'), 'utf8')).toBe('export {};\n');
        expect((await run('git', ['-C', path.join(dir, 'auth'), 'rev-parse', 'origin/main'])).stdout.trim()).toBe(second);
        // Pushing needs the token too; the pushed commit is then what the API answers.
        const auth = path.join(dir, 'auth');
        await run('git', ['-C', auth, '-c', 'user.name=Pusher', '-c', 'user.email=pusher@example.com', 'commit', '--allow-empty', '-q', '-m', 'Pushed over HTTP'], { env });
        await run('git', ['-C', auth, 'push', '-q', 'origin', 'HEAD:refs/heads/pushed'], { env });
        expect(await api.Branches.show(projectId, 'pushed')).toMatchObject({ commit: { title: 'Pushed over HTTP', author_name: 'Pusher' } });
        const badToken = http.replace('http://', 'http://oauth2:wrong@');
        await expect(run('git', ['clone', '--quiet', badToken, path.join(dir, 'bad')], { env })).rejects.toThrow(/Authentication failed/);
        const open = gitlab.addProject({ path: 'open-source', namespace: 'acme', visibility: 'public' });
        await run('git', ['clone', '--quiet', open.httpUrl, path.join(dir, 'public')], { env });
        expect(readFileSync(path.join(dir, 'public', 'README.md'), 'utf8')).toContain('# open-source');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('adds, lists, edits and removes hooks, never answering the token', async () => {
      const hook = await api.ProjectHooks.add(projectId, 'https://ci.example.com/hook', { token: 's3cret', tagPushEvents: true });
      expect(hook).toMatchObject({ url: 'https://ci.example.com/hook', project_id: projectId, push_events: true, tag_push_events: true, pipeline_events: false, merge_requests_events: false, enable_ssl_verification: true, push_events_branch_filter: '' });
      expect(hook).not.toHaveProperty('token');
      expect(typeof hook.created_at).toBe('string');
      expect(gitlab.hooksOf(projectId)).toMatchObject([{ id: hook.id, token: 's3cret' }]);
      const edited = await api.ProjectHooks.edit(projectId, hook.id, 'https://ci.example.com/hook2', { pipelineEvents: true, enableSslVerification: false });
      expect(edited).toMatchObject({ url: 'https://ci.example.com/hook2', pipeline_events: true, enable_ssl_verification: false, tag_push_events: true });
      expect(await api.ProjectHooks.all(projectId)).toHaveLength(1);
      await api.ProjectHooks.remove(projectId, hook.id);
      expect(await api.ProjectHooks.all(projectId)).toEqual([]);

      const headers = { 'private-token': gitlab.token, 'content-type': 'application/json' };
      const missing = await fetch(`${gitlab.url}/api/v4/projects/${projectId}/hooks`, { method: 'POST', headers, body: '{}' });
      expect([missing.status, await missing.json()]).toEqual([400, { error: 'url is missing' }]);
      const blocked = await fetch(`${gitlab.url}/api/v4/projects/${projectId}/hooks`, { method: 'POST', headers, body: JSON.stringify({ url: 'ftp://x.example' }) });
      expect(blocked.status).toBe(422);
      expect(await blocked.json()).toEqual({ message: { url: ['is blocked: Only allowed schemes are http, https'] } });
      const gone = await fetch(`${gitlab.url}/api/v4/projects/${projectId}/hooks/${hook.id}`, { headers });
      expect(gone.status).toBe(404);
    });

    it('delivers push, tag push and pipeline events to the hooks that asked for them', async () => {
      const receiver = await startReceiver();
      try {
        const hook = await api.ProjectHooks.add(projectId, receiver.url, { token: 'hook-secret', pipelineEvents: true });
        await api.ProjectHooks.add(projectId, `${receiver.url}/main-only`, { pushEventsBranchFilter: 'main', pushEvents: true });
        const pushed = Array.from({ length: 22 }, (_, i) => gitlab.commit(projectId, { branch: 'feature/pay', message: `Step ${i + 1}` }));
        const deliveries = await gitlab.deliverPush(projectId, { branch: 'feature/pay', before: feature, after: pushed.at(-1) ?? '', userUsername: 'ada' });
        expect(deliveries).toEqual([
          { url: receiver.url, status: 200, uuid: expect.any(String) as string, eventUuid: expect.any(String) as string, body: expect.any(String) as string, resend: expect.any(Function) as () => unknown },
        ]);

        const [push] = receiver.received;
        expect(push?.headers).toMatchObject({ 'x-gitlab-event': 'Push Hook', 'x-gitlab-token': 'hook-secret', 'x-gitlab-webhook-uuid': deliveries[0]?.uuid, 'x-gitlab-event-uuid': deliveries[0]?.eventUuid, 'x-gitlab-instance': new URL(gitlab.url).origin, 'content-type': 'application/json' });
        expect(push?.headers['x-gitlab-event-uuid']).toMatch(/^[0-9a-f-]{36}$/);
        expect(push?.headers['idempotency-key']).toBe(deliveries[0]?.uuid);
        expect(push?.headers['user-agent']).toMatch(/^GitLab\//);
        // "Resend request" repeats the event (same event UUID and body) as a new delivery (new webhook UUID).
        const resent = await deliveries[0]?.resend();
        const again = receiver.received.at(-1);
        expect(again?.headers['x-gitlab-event-uuid']).toBe(deliveries[0]?.eventUuid);
        expect(again?.headers['x-gitlab-webhook-uuid']).toBe(resent?.uuid);
        expect(resent?.uuid).not.toBe(deliveries[0]?.uuid);
        expect(again?.body).toEqual(push?.body);
        receiver.received.pop();
        const body = push?.body ?? {};
        // The webhook-events page's example, plus `message` and `push_options`, which the hook-event log's recorded
        // deliveries (project webhooks API page) show GitLab sending too.
        expect(Object.keys(body).sort()).toEqual(
          ['object_kind', 'event_name', 'before', 'after', 'ref', 'ref_protected', 'checkout_sha', 'message', 'user_id', 'user_name', 'user_username', 'user_email', 'user_avatar', 'project_id', 'project', 'commits', 'total_commits_count', 'push_options', 'repository'].sort(),
        );
        expect(body).toMatchObject({ object_kind: 'push', event_name: 'push', before: feature, after: pushed.at(-1), checkout_sha: pushed.at(-1), ref: 'refs/heads/feature/pay', ref_protected: false, user_username: 'ada', project_id: projectId, total_commits_count: 22 });
        const commits = body.commits as { id: string; title: string; added: string[]; author: { name: string } }[];
        expect(commits.map((c) => c.id)).toEqual(pushed.slice(2));
        expect(commits[0]).toMatchObject({ title: 'Step 3', author: { name: 'Stand-in Author' }, added: [expect.stringMatching(/^changes\//)] });
        expect(body.project).toMatchObject({ id: projectId, path_with_namespace: 'acme/shop', default_branch: 'main', git_http_url: `${gitlab.url}/acme/shop.git`, web_url: `${gitlab.url}/acme/shop` });
        expect(body.repository).toMatchObject({ name: 'shop', git_http_url: `${gitlab.url}/acme/shop.git` });

        const toMain = await gitlab.deliverPush(projectId, { branch: 'main', before: initial, after: second });
        expect(toMain.map((d) => d.url).sort()).toEqual([receiver.url, `${receiver.url}/main-only`]);

        await api.ProjectHooks.edit(projectId, hook.id, receiver.url, { tagPushEvents: true });
        const tagged = await gitlab.deliverTagPush(projectId, { tag: 'v1.1.0', sha: second });
        expect(tagged).toHaveLength(1);
        expect(receiver.received.at(-1)?.headers['x-gitlab-event']).toBe('Tag Push Hook');
        expect(receiver.received.at(-1)?.body).toMatchObject({ object_kind: 'tag_push', ref: 'refs/tags/v1.1.0', after: second, checkout_sha: second });

        const pipeline = await gitlab.deliverPipeline(projectId, { ref: 'main', sha: second, status: 'failed' });
        expect(pipeline).toHaveLength(1);
        expect(receiver.received.at(-1)?.headers['x-gitlab-event']).toBe('Pipeline Hook');
        expect(receiver.received.at(-1)?.body).toMatchObject({ object_kind: 'pipeline', object_attributes: { ref: 'main', sha: second, status: 'failed', tag: false }, commit: { id: second } });
      } finally {
        await receiver.close();
      }
    });
  });

  it('creates 5,000 projects and pages through them all with keyset pagination quickly', async () => {
    const local = await startGitLabStandIn();
    try {
      const started = performance.now();
      local.addManyProjects(5000);
      const created = performance.now();
      const client = new Gitlab({ host: local.url, token: local.token });
      const projects = await client.Projects.all({ simple: true, pagination: 'keyset', orderBy: 'id', sort: 'asc', perPage: 100 });
      const paged = performance.now();
      expect(new Set(projects.map((p) => p.id)).size).toBe(5000);
      console.log(`addManyProjects(5000): ${(created - started).toFixed(0)} ms; keyset paging 5000 (50 pages of 100): ${(paged - created).toFixed(0)} ms`);
      expect(paged - started).toBeLessThan(20_000);
    } finally {
      await local.close();
    }
  });
});
