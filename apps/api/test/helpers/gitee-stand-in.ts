import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import type { AddressInfo } from 'node:net';

export interface GiteeRepoInput {
  owner: string;
  path: string;
  description?: string;
  defaultBranch?: string;
  /** "开始" for an open repository; "关闭" when closed. */
  status?: string;
}

interface Repo extends Required<GiteeRepoInput> {
  id: number;
  createdAt: number;
  updatedAt: number;
  pushedAt: number;
}

export interface GiteeRequest {
  path: string;
  query: Record<string, string>;
  authorised: boolean;
}

export interface GiteeStandIn {
  url: string;
  /** Every REST call, in order (the token shown as `***`). */
  requests: GiteeRequest[];
  addRepo(input: GiteeRepoInput): { id: number; fullName: string };
  /** `count` repositories `<owner>/repo-0001`…, created one second apart. */
  addManyRepos(count: number, o: { owner: string }): void;
  removeRepo(fullName: string): void;
  /** A push: the repository's pushed_at and updated_at become now. */
  pushTo(fullName: string): void;
  /** The next REST call is answered 429 Too Many Requests with `Retry-After: <seconds>`. */
  rateLimitNext(seconds: number): void;
  close(): Promise<void>;
}

const SORTS = ['created', 'updated', 'pushed', 'full_name'] as const;
const TIME_KEY = { created: 'createdAt', updated: 'updatedAt', pushed: 'pushedAt' } as const;
/** Gitee writes times in China Standard Time: `2020-04-15T21:09:40+08:00`. */
const beijing = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().replace(/\.\d{3}Z$/, '+08:00');

/**
 * Gitee's v5 REST API as far as the platform uses it, from Gitee's documentation (gitee.com/api/v5/swagger); the
 * token is the `access_token` parameter, and a bad one gets 401 `{"message":"401 Unauthorized: Access token does not exist"}`.
 * - `GET /user` answers the account.
 * - `GET /user/repos` ("列出授权用户的所有仓库"): `visibility`, `affiliation`, `type` (422 with either of the other
 *   two), `sort` (created, updated, pushed, full_name; default full_name), `direction` (default asc for full_name,
 *   else desc), `page` (default 1) and `per_page` (default 20, at most 100); the `total_count` and `total_page`
 *   headers say how many there are. A repository's `html_url` ends in `.git`, beside `ssh_url`; no clone URL.
 * Gitee documents no rate-limit headers: a limited call gets 429 with `Retry-After`, as HTTP describes.
 */
export async function startGiteeStandIn(o: { token: string; login: string }): Promise<GiteeStandIn> {
  const app = Fastify();
  const repos = new Map<string, Repo>();
  const requests: GiteeRequest[] = [];
  let nextId = 30_000_001;
  let clock = Date.parse('2024-01-01T00:00:00Z');
  let limitSeconds: number | null = null;
  const base = () => `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

  const add = (input: GiteeRepoInput) => {
    const at = (clock += 1000);
    const repo: Repo = { description: '', defaultBranch: 'master', status: '开始', ...input, id: nextId++, createdAt: at, updatedAt: at, pushedAt: at };
    repos.set(`${repo.owner}/${repo.path}`, repo);
    return { id: repo.id, fullName: `${repo.owner}/${repo.path}` };
  };
  const json = (r: Repo) => {
    const fullName = `${r.owner}/${r.path}`;
    return {
      id: r.id,
      full_name: fullName,
      human_name: `${r.owner}/${r.path}`,
      url: `${base()}/api/v5/repos/${fullName}`,
      namespace: { id: 7, type: 'personal', name: r.owner, path: r.owner, html_url: `${base()}/${r.owner}` },
      path: r.path,
      name: r.path,
      owner: { id: 7, login: r.owner, name: r.owner, html_url: `${base()}/${r.owner}`, type: 'User' },
      description: r.description,
      private: true,
      public: false,
      internal: false,
      fork: false,
      html_url: `${base()}/${fullName}.git`,
      ssh_url: `git@${new URL(base()).hostname}:${fullName}.git`,
      default_branch: r.defaultBranch,
      pushed_at: beijing(r.pushedAt),
      created_at: beijing(r.createdAt),
      updated_at: beijing(r.updatedAt),
      status: r.status,
    };
  };

  /** Authentication and rate limiting, as every REST call meets them; false when the call was answered here. */
  const admit = (request: FastifyRequest<{ Querystring: Record<string, string | undefined> }>, reply: FastifyReply): boolean => {
    const authorised = request.query.access_token === o.token;
    const url = new URL(request.url, base());
    if (url.searchParams.has('access_token')) url.searchParams.set('access_token', '***');
    requests.push({ path: url.pathname.replace(/^\/api\/v5/, ''), query: Object.fromEntries(url.searchParams), authorised });
    if (!authorised) {
      void reply.code(401).send({ message: '401 Unauthorized: Access token does not exist' });
      return false;
    }
    if (limitSeconds !== null) {
      void reply.code(429).header('retry-after', String(limitSeconds)).send({ message: 'Too Many Requests' });
      limitSeconds = null;
      return false;
    }
    return true;
  };

  app.get<{ Querystring: Record<string, string | undefined> }>('/api/v5/user', async (request, reply) => {
    if (!admit(request, reply)) return reply;
    return { id: 7, login: o.login, name: o.login, html_url: `https://gitee.example/${o.login}`, type: 'User' };
  });

  app.get<{ Querystring: Record<string, string | undefined> }>('/api/v5/user/repos', async (request, reply) => {
    if (!admit(request, reply)) return reply;
    const q = request.query;
    if (q.type && (q.affiliation || q.visibility)) return reply.code(422).send({ message: 'type 不能与 visibility 或 affiliation 一并使用' });
    const sort = (SORTS as readonly string[]).includes(q.sort ?? '') ? (q.sort as (typeof SORTS)[number]) : 'full_name';
    const direction = q.direction === 'asc' || q.direction === 'desc' ? q.direction : sort === 'full_name' ? 'asc' : 'desc';
    const list = [...repos.values()].sort((a, b) => {
      const order = sort === 'full_name' ? `${a.owner}/${a.path}`.localeCompare(`${b.owner}/${b.path}`) : a[TIME_KEY[sort]] - b[TIME_KEY[sort]] || a.id - b.id;
      return direction === 'asc' ? order : -order;
    });
    const perPage = Math.min(100, Math.max(1, Number(q.per_page) || 20));
    const page = Math.max(1, Number(q.page) || 1);
    reply.header('total_count', String(list.length)).header('total_page', String(Math.ceil(list.length / perPage)));
    return list.slice((page - 1) * perPage, page * perPage).map(json);
  });

  await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    url: base(),
    requests,
    addRepo: add,
    addManyRepos(count, { owner }) {
      for (let i = 1; i <= count; i++) add({ owner, path: `repo-${String(i).padStart(4, '0')}` });
    },
    removeRepo(fullName) {
      repos.delete(fullName);
    },
    pushTo(fullName) {
      const repo = repos.get(fullName);
      if (!repo) throw new Error(`no repository ${fullName}`);
      repo.pushedAt = repo.updatedAt = Date.now();
    },
    rateLimitNext(seconds) {
      limitSeconds = seconds;
    },
    close: () => app.close(),
  };
}
