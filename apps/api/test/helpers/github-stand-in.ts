import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import type { AddressInfo } from 'node:net';

export interface GitHubRepoInput {
  owner: string;
  name: string;
  description?: string | null;
  defaultBranch?: string;
  archived?: boolean;
}

interface Repo extends Required<GitHubRepoInput> {
  id: number;
  createdAt: string;
  updatedAt: string;
  pushedAt: string;
}

export interface GitHubRequest {
  path: string;
  query: Record<string, string>;
  authorised: boolean;
}

export interface GitHubStandIn {
  /** The instance's web address, as a GitHub Enterprise Server's: its REST API is under `/api/v3`. */
  url: string;
  /** Every REST call, in order. */
  requests: GitHubRequest[];
  addRepo(input: GitHubRepoInput): { id: number; fullName: string };
  /** `count` repositories `<owner>/repo-0001`…, created one second apart. */
  addManyRepos(count: number, o: { owner: string }): void;
  removeRepo(fullName: string): void;
  /** A push: the repository's pushed_at and updated_at become now. */
  pushTo(fullName: string): void;
  /**
   * The next REST call is refused as GitHub refuses when it rate limits: the primary limit with 403,
   * `x-ratelimit-remaining: 0` and `x-ratelimit-reset` (epoch seconds); a secondary limit with 429 and `retry-after`.
   */
  rateLimitNext(kind: 'primary' | 'secondary', seconds: number): void;
  close(): Promise<void>;
}

const SORTS = ['created', 'updated', 'pushed', 'full_name'] as const;
const TIME_KEY = { created: 'createdAt', updated: 'updatedAt', pushed: 'pushedAt' } as const;

/**
 * GitHub's REST API as far as the platform uses it, from GitHub's documentation:
 * - `GET /user` with `Authorization: Bearer <token>` (or `token <token>`) answers the account, and a classic token's
 *   scopes in `X-OAuth-Scopes`; a bad token gets 401 `{"message":"Bad credentials"}`.
 * - `GET /user/repos` ("List repositories for the authenticated user"): `affiliation`, `visibility`, `type` (422 with
 *   either of the other two), `sort` (created, updated, pushed, full_name; default full_name), `direction` (default
 *   asc for full_name, else desc), `since`/`before` (updated after/before), `per_page` (default 30, at most 100) and
 *   `page`; the other pages are in the `Link` header (prev, next, last, first) with the query kept.
 * - Every answer carries the `x-ratelimit-*` headers.
 */
export async function startGitHubStandIn(o: { token: string; login: string; scopes: string[] }): Promise<GitHubStandIn> {
  const app = Fastify();
  const repos = new Map<string, Repo>();
  const requests: GitHubRequest[] = [];
  let nextId = 1_000_000_001;
  let clock = Date.parse('2024-01-01T00:00:00Z');
  let limit: { kind: 'primary' | 'secondary'; seconds: number } | null = null;
  let remaining = 5000;
  const base = () => `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

  const tick = () => new Date((clock += 1000)).toISOString().replace('.000Z', 'Z');
  const add = (input: GitHubRepoInput, at = tick()) => {
    const repo: Repo = { description: null, defaultBranch: 'main', archived: false, ...input, id: nextId++, createdAt: at, updatedAt: at, pushedAt: at };
    repos.set(`${repo.owner}/${repo.name}`, repo);
    return { id: repo.id, fullName: `${repo.owner}/${repo.name}` };
  };
  const json = (r: Repo) => {
    const fullName = `${r.owner}/${r.name}`;
    const host = new URL(base()).hostname;
    return {
      id: r.id,
      node_id: Buffer.from(`010:Repository${r.id}`).toString('base64'),
      name: r.name,
      full_name: fullName,
      private: true,
      owner: { login: r.owner, id: 1, type: 'User', site_admin: false },
      html_url: `${base()}/${fullName}`,
      description: r.description,
      fork: false,
      url: `${base()}/api/v3/repos/${fullName}`,
      created_at: r.createdAt,
      updated_at: r.updatedAt,
      pushed_at: r.pushedAt,
      git_url: `git://${new URL(base()).host}/${fullName}.git`,
      ssh_url: `git@${host}:${fullName}.git`,
      clone_url: `${base()}/${fullName}.git`,
      svn_url: `${base()}/${fullName}`,
      default_branch: r.defaultBranch,
      archived: r.archived,
      disabled: false,
      visibility: 'private',
      permissions: { admin: true, maintain: true, push: true, triage: true, pull: true },
    };
  };

  /** Authentication and rate limiting, as every REST call meets them; false when the call was answered here. */
  const admit = (request: FastifyRequest, reply: FastifyReply): boolean => {
    const auth = request.headers.authorization ?? '';
    const authorised = auth === `Bearer ${o.token}` || auth === `token ${o.token}`;
    const url = new URL(request.url, base());
    requests.push({ path: url.pathname.replace(/^\/api\/v3/, ''), query: Object.fromEntries(url.searchParams), authorised });
    const reset = Math.ceil(Date.now() / 1000) + 3600;
    reply.header('x-ratelimit-limit', '5000').header('x-ratelimit-resource', 'core').header('x-github-media-type', 'github.v3; format=json');
    if (!authorised) {
      void reply.code(401).send({ message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' });
      return false;
    }
    if (limit) {
      const { kind, seconds } = limit;
      limit = null;
      if (kind === 'primary') {
        reply.header('x-ratelimit-remaining', '0').header('x-ratelimit-used', '5000').header('x-ratelimit-reset', String(Math.ceil(Date.now() / 1000) + seconds));
        void reply.code(403).send({ message: 'API rate limit exceeded for user ID 1.', documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api', status: '403' });
      } else {
        reply.header('retry-after', String(seconds)).header('x-ratelimit-remaining', String(remaining)).header('x-ratelimit-reset', String(reset));
        void reply.code(429).send({ message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.', documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits', status: '429' });
      }
      return false;
    }
    remaining = Math.max(1, remaining - 1);
    reply.header('x-ratelimit-remaining', String(remaining)).header('x-ratelimit-used', String(5000 - remaining)).header('x-ratelimit-reset', String(reset));
    return true;
  };

  app.get('/api/v3/user', async (request, reply) => {
    if (!admit(request, reply)) return reply;
    reply.header('x-oauth-scopes', o.scopes.join(', '));
    return { login: o.login, id: 1, type: 'User', site_admin: false, name: o.login, html_url: `http://github.example/${o.login}` };
  });

  app.get<{ Querystring: Record<string, string | undefined> }>('/api/v3/user/repos', async (request, reply) => {
    if (!admit(request, reply)) return reply;
    const q = request.query;
    if (q.type && (q.affiliation || q.visibility)) {
      return reply.code(422).send({ message: 'If you specify visibility or affiliation, you cannot specify type.', documentation_url: 'https://docs.github.com/rest/repos/repos#list-repositories-for-the-authenticated-user', status: '422' });
    }
    const sort = (SORTS as readonly string[]).includes(q.sort ?? '') ? (q.sort as (typeof SORTS)[number]) : 'full_name';
    const direction = q.direction === 'asc' || q.direction === 'desc' ? q.direction : sort === 'full_name' ? 'asc' : 'desc';
    const since = q.since ? Date.parse(q.since) : null;
    const before = q.before ? Date.parse(q.before) : null;
    const list = [...repos.values()]
      .filter((r) => (since === null || Date.parse(r.updatedAt) > since) && (before === null || Date.parse(r.updatedAt) < before))
      .sort((a, b) => {
        const order = sort === 'full_name' ? `${a.owner}/${a.name}`.localeCompare(`${b.owner}/${b.name}`) : Date.parse(a[TIME_KEY[sort]]) - Date.parse(b[TIME_KEY[sort]]) || a.id - b.id;
        return direction === 'asc' ? order : -order;
      });
    const perPage = Math.min(100, Math.max(1, Number(q.per_page) || 30));
    const page = Math.max(1, Number(q.page) || 1);
    const last = Math.max(1, Math.ceil(list.length / perPage));
    const at = (n: number) => {
      const url = new URL(`${base()}/api/v3/user/repos`);
      for (const [key, value] of Object.entries(q)) if (value !== undefined && key !== 'page') url.searchParams.set(key, value);
      url.searchParams.set('page', String(n));
      return `<${url.href}>`;
    };
    const links = [
      ...(page > 1 ? [`${at(page - 1)}; rel="prev"`] : []),
      ...(page < last ? [`${at(page + 1)}; rel="next"`, `${at(last)}; rel="last"`] : []),
      ...(page > 1 ? [`${at(1)}; rel="first"`] : []),
    ];
    if (links.length > 0) reply.header('link', links.join(', '));
    return list.slice((page - 1) * perPage, page * perPage).map(json);
  });

  await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    url: base(),
    requests,
    addRepo: (input) => add(input),
    addManyRepos(count, { owner }) {
      for (let i = 1; i <= count; i++) add({ owner, name: `repo-${String(i).padStart(4, '0')}` });
    },
    removeRepo(fullName) {
      repos.delete(fullName);
    },
    pushTo(fullName) {
      const repo = repos.get(fullName);
      if (!repo) throw new Error(`no repository ${fullName}`);
      repo.pushedAt = repo.updatedAt = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    },
    rateLimitNext(kind, seconds) {
      limit = { kind, seconds };
    },
    close: () => app.close(),
  };
}
