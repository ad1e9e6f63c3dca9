import Fastify from 'fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { apiRoutes, type ApiControls, type RequestLogEntry } from './api.js';
import { deliver, pipelinePayload, pushHooks, pushPayload, tagPushPayload, type Delivery } from './events.js';
import { commitFiles, git, initBareRepo, resolve } from './git.js';
import { isGitRequest, serveGit } from './git-http.js';
import { httpUrlOf } from './projects.js';
import { fullPathOf, nowIso, type HookRecord, type NamespaceRecord, type ProjectRecord, type Store } from './store.js';

export interface StandInProject {
  id: number;
  pathWithNamespace: string;
  /** bare repo on disk */
  repoDir: string;
  httpUrl: string;
}

export interface GitLabStandIn {
  /** Base URL GitLab is "at", including the sub-path, e.g. http://127.0.0.1:PORT/gitlab (no trailing slash). */
  url: string;
  token: string;
  /** A private project (the default) needs the token to clone; a public one can be cloned anonymously. */
  addProject(o: { path: string; namespace?: string; description?: string; defaultBranch?: string; archived?: boolean; visibility?: 'private' | 'public' }): StandInProject;
  addManyProjects(n: number, o?: { namespace?: string }): void;
  commit(projectId: number, o: { branch: string; message: string; authorName?: string; files?: Record<string, string> }): string;
  deliverPush(projectId: number, o: { branch: string; before: string; after: string; userUsername?: string }): Promise<Delivery[]>;
  /** Creates the tag as a lightweight tag on `sha` when the repository does not have it yet. */
  deliverTagPush(projectId: number, o: { tag: string; sha: string }): Promise<Delivery[]>;
  deliverPipeline(projectId: number, o: { ref: string; sha: string; status: 'success' | 'failed' }): Promise<Delivery[]>;
  hooksOf(projectId: number): Pick<HookRecord, 'id' | 'url' | 'token' | 'push_events' | 'tag_push_events' | 'pipeline_events' | 'enable_ssl_verification'>[];
  rateLimitNext(n: number, retryAfterSeconds?: number): void;
  requests: RequestLogEntry[];
  close(): Promise<void>;
}

export type { Delivery, RequestLogEntry };

/**
 * A stand-in for a GitLab instance's REST API v4 and Git smart HTTP, written from GitLab's public documentation,
 * serving real bare repositories: `api.ts` and the resource modules answer `<basePath>/api/v4`, `git-http.ts` the
 * repositories, `events.ts` builds and delivers webhook payloads.
 */
export async function startGitLabStandIn(o: { token?: string; basePath?: string; username?: string; scopes?: string[] } = {}): Promise<GitLabStandIn> {
  const basePath = o.basePath ?? '/gitlab';
  const root = mkdtempSync(path.join(tmpdir(), 'gitlab-stand-in-'));
  const username = o.username ?? 'release-bot';
  const store: Store = {
    baseUrl: '',
    token: o.token ?? 'glpat-stand-in-token-0123456789',
    scopes: o.scopes ?? ['api', 'read_repository'],
    user: { id: 1, username, name: 'Release Bot' },
    projects: new Map(),
    byPath: new Map(),
    namespaces: new Map(),
    nextId: { project: 1, namespace: 1, hook: 1 },
  };
  const controls: ApiControls = { requests: [], rateLimit: { remaining: 0, retryAfterSeconds: 1 } };
  const apiPrefix = `${basePath}/api/v4`;

  const app = Fastify({
    serverFactory: (handler) =>
      createServer((request, response) => {
        const pathname = (request.url ?? '/').split('?')[0] ?? '/';
        if (pathname.startsWith(`${basePath}/`) && isGitRequest(pathname)) serveGit(request, response, { root, basePath, token: store.token, username, isPublic: (fullPath) => store.byPath.get(fullPath.toLowerCase())?.visibility === 'public' });
        else handler(request, response);
      }),
  });
  await app.register(async (api) => apiRoutes(api, store, controls, apiPrefix), { prefix: apiPrefix });
  await app.listen({ host: '127.0.0.1', port: 0 });
  store.baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}${basePath}`;

  const namespaceOf = (fullPath: string): NamespaceRecord => {
    let namespace = store.namespaces.get(fullPath);
    if (!namespace) {
      const leaf = fullPath.split('/').at(-1) ?? fullPath;
      namespace = { id: store.nextId.namespace++, name: fullPath === username ? 'Release Bot' : leaf, path: leaf, kind: fullPath === username ? 'user' : 'group', fullPath };
      store.namespaces.set(fullPath, namespace);
    }
    return namespace;
  };
  const register = (project: ProjectRecord) => {
    store.projects.set(project.id, project);
    store.byPath.set(fullPathOf(project).toLowerCase(), project);
  };
  const projectOf = (id: number): ProjectRecord => {
    const project = store.projects.get(id);
    if (!project) throw new Error(`no project ${id}`);
    return project;
  };
  const repoOf = (project: ProjectRecord): string => {
    if (!project.repoDir) throw new Error(`project ${project.id} has no repository`);
    return project.repoDir;
  };
  let fileCounter = 0;

  return {
    url: store.baseUrl,
    token: store.token,
    requests: controls.requests,

    addProject(p) {
      const now = nowIso();
      const namespace = namespaceOf(p.namespace ?? username);
      const defaultBranch = p.defaultBranch ?? 'main';
      const repoDir = path.join(root, `${namespace.fullPath}/${p.path}.git`);
      initBareRepo(repoDir, defaultBranch, `# ${p.path}\n\n${p.description ?? ''}\n`);
      const project: ProjectRecord = {
        id: store.nextId.project++,
        name: p.path,
        path: p.path,
        namespace,
        description: p.description ?? null,
        defaultBranch,
        archived: p.archived ?? false,
        visibility: p.visibility ?? 'private',
        createdAt: now,
        lastActivityAt: now,
        repoDir,
        hooks: [],
      };
      register(project);
      return { id: project.id, pathWithNamespace: fullPathOf(project), repoDir, httpUrl: httpUrlOf(store, project) };
    },

    addManyProjects(n, m = {}) {
      const namespace = namespaceOf(m.namespace ?? 'bulk');
      const now = nowIso();
      for (let i = 0; i < n; i += 1) {
        const id = store.nextId.project++;
        register({ id, name: `project-${id}`, path: `project-${id}`, namespace, description: null, defaultBranch: 'main', archived: false, visibility: 'private', createdAt: now, lastActivityAt: now, repoDir: undefined, hooks: [] });
      }
    },

    commit(projectId, c) {
      const project = projectOf(projectId);
      const files = c.files ?? { [`changes/${++fileCounter}.txt`]: `${c.message}\n` };
      const sha = commitFiles(repoOf(project), { branch: c.branch, from: `refs/heads/${project.defaultBranch}`, message: c.message, authorName: c.authorName, files });
      project.lastActivityAt = nowIso();
      return sha;
    },

    deliverPush(projectId, p) {
      const project = projectOf(projectId);
      return deliver(store, pushHooks(project, p.branch), 'Push Hook', pushPayload(store, project, p));
    },

    deliverTagPush(projectId, t) {
      const project = projectOf(projectId);
      const repoDir = repoOf(project);
      if (!resolve(repoDir, `refs/tags/${t.tag}`)) git(repoDir, ['update-ref', `refs/tags/${t.tag}`, t.sha]);
      return deliver(store, project.hooks.filter((h) => h.tag_push_events), 'Tag Push Hook', tagPushPayload(store, project, t));
    },

    deliverPipeline(projectId, p) {
      const project = projectOf(projectId);
      return deliver(store, project.hooks.filter((h) => h.pipeline_events), 'Pipeline Hook', pipelinePayload(store, project, p));
    },

    hooksOf(projectId) {
      return projectOf(projectId).hooks.map((h) => ({ ...h }));
    },

    rateLimitNext(n, retryAfterSeconds = 1) {
      controls.rateLimit = { remaining: n, retryAfterSeconds };
    },

    async close() {
      await app.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
