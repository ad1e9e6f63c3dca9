import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { BadParameter, paginateKeyset, paginateOffset } from './pagination.js';
import { fullPathOf, type ProjectRecord, type Store } from './store.js';

export function webUrlOf(store: Store, project: ProjectRecord): string {
  return `${store.baseUrl}/${fullPathOf(project)}`;
}

export function httpUrlOf(store: Store, project: ProjectRecord): string {
  return `${webUrlOf(store, project)}.git`;
}

export function sshUrlOf(store: Store, project: ProjectRecord): string {
  return `git@${new URL(store.baseUrl).hostname}:${fullPathOf(project)}.git`;
}

/** The `simple=true` representation (GitLab's BasicProjectDetails): no `archived`, no `visibility`. */
export function simpleProjectJson(store: Store, p: ProjectRecord) {
  const webUrl = webUrlOf(store, p);
  return {
    id: p.id,
    description: p.description,
    name: p.name,
    name_with_namespace: `${p.namespace.name} / ${p.name}`,
    path: p.path,
    path_with_namespace: fullPathOf(p),
    created_at: p.createdAt,
    default_branch: p.repoDir ? p.defaultBranch : null,
    tag_list: [],
    topics: [],
    ssh_url_to_repo: sshUrlOf(store, p),
    http_url_to_repo: httpUrlOf(store, p),
    web_url: webUrl,
    readme_url: p.repoDir ? `${webUrl}/-/blob/${p.defaultBranch}/README.md` : null,
    forks_count: 0,
    avatar_url: null,
    star_count: 0,
    last_activity_at: p.lastActivityAt,
    namespace: {
      id: p.namespace.id,
      name: p.namespace.name,
      path: p.namespace.path,
      kind: p.namespace.kind,
      full_path: p.namespace.fullPath,
      parent_id: null,
      avatar_url: null,
      web_url: `${store.baseUrl}/${p.namespace.kind === 'user' ? '' : 'groups/'}${p.namespace.fullPath}`,
    },
  };
}

/** The full project representation, as a member with the Maintainer role sees it. */
export function projectJson(store: Store, p: ProjectRecord) {
  return {
    ...simpleProjectJson(store, p),
    visibility: p.visibility,
    archived: p.archived,
    empty_repo: p.repoDir === undefined,
    updated_at: p.lastActivityAt,
    repository_object_format: 'sha1',
    container_registry_image_prefix: `registry.example.com/${fullPathOf(p)}`,
    _links: {
      self: `${store.baseUrl}/api/v4/projects/${p.id}`,
      hooks: `${store.baseUrl}/api/v4/projects/${p.id}/hooks`,
      repo_branches: `${store.baseUrl}/api/v4/projects/${p.id}/repository/branches`,
    },
    owner: p.namespace.kind === 'user' ? { id: store.user.id, username: store.user.username, name: store.user.name } : undefined,
    creator_id: store.user.id,
    open_issues_count: 0,
    ci_config_path: null,
    permissions: { project_access: { access_level: 40, notification_level: 3 }, group_access: null },
  };
}

/** `:id` is a numeric id or a URL-encoded full path (`group%2Fproject`), which the router has already decoded. */
export function findProject(store: Store, idOrPath: string): ProjectRecord | undefined {
  return /^\d+$/.test(idOrPath) ? store.projects.get(Number(idOrPath)) : store.byPath.get(idOrPath.toLowerCase());
}

export function projectOr404(store: Store, request: FastifyRequest, reply: FastifyReply): ProjectRecord | undefined {
  const project = findProject(store, (request.params as { id: string }).id);
  if (!project) void reply.code(404).send({ message: '404 Project Not Found' });
  return project;
}

const ORDERS: Record<string, (p: ProjectRecord) => string | number> = {
  id: (p) => p.id,
  name: (p) => p.name.toLowerCase(),
  path: (p) => p.path.toLowerCase(),
  created_at: (p) => p.createdAt,
  updated_at: (p) => p.lastActivityAt,
  last_activity_at: (p) => p.lastActivityAt,
};

function isTrue(value: string | undefined): boolean {
  return value === 'true' || value === '1';
}

function filtered(store: Store, query: Record<string, string | undefined>): ProjectRecord[] {
  const search = query.search?.toLowerCase();
  const after = query.last_activity_after ? Date.parse(query.last_activity_after) : undefined;
  const before = query.last_activity_before ? Date.parse(query.last_activity_before) : undefined;
  if (Number.isNaN(after) || Number.isNaN(before)) throw new BadParameter(`${Number.isNaN(after) ? 'last_activity_after' : 'last_activity_before'} is invalid`);
  // Every project here has the token's user as a member, so `membership` and `owned` filter nothing out.
  return [...store.projects.values()].filter(
    (p) =>
      (query.archived === undefined || p.archived === isTrue(query.archived)) &&
      (!search || p.name.toLowerCase().includes(search) || p.path.toLowerCase().includes(search)) &&
      (after === undefined || Date.parse(p.lastActivityAt) > after) &&
      (before === undefined || Date.parse(p.lastActivityAt) < before),
  );
}

export function projectRoutes(app: FastifyInstance, store: Store): void {
  app.get('/projects', async (request, reply) => {
    const query = request.query as Record<string, string | undefined>;
    const orderBy = query.order_by ?? 'created_at';
    const key = ORDERS[orderBy];
    if (!key) return reply.code(400).send({ error: 'order_by does not have a valid value' });
    if (query.sort !== undefined && query.sort !== 'asc' && query.sort !== 'desc') return reply.code(400).send({ error: 'sort does not have a valid value' });
    const projects = filtered(store, query);
    const present = isTrue(query.simple) ? simpleProjectJson : projectJson;
    if (query.pagination === 'keyset') {
      if (orderBy !== 'id') return reply.code(405).send({ message: 'Keyset pagination is not yet available for this type of request' });
      return paginateKeyset(request, reply, new URL(store.baseUrl).origin, projects).map((p) => present(store, p));
    }
    const direction = query.sort === 'asc' ? 1 : -1;
    projects.sort((a, b) => {
      const [x, y] = [key(a), key(b)];
      return (x < y ? -1 : x > y ? 1 : a.id - b.id) * direction;
    });
    return paginateOffset(request, reply, new URL(store.baseUrl).origin, projects).map((p) => present(store, p));
  });

  app.get('/projects/:id', async (request, reply) => {
    const project = projectOr404(store, request, reply);
    return project && projectJson(store, project);
  });
}
