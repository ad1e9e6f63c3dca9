import type { FastifyInstance } from 'fastify';
import { git, log, refNames, resolve, tryGit, type GitCommit } from './git.js';
import { paginateOffset } from './pagination.js';
import { projectOr404, webUrlOf } from './projects.js';
import type { ProjectRecord, Store } from './store.js';

function titleOf(message: string): string {
  return message.split('\n')[0] ?? '';
}

export function commitJson(store: Store, project: ProjectRecord, c: GitCommit) {
  return {
    id: c.id,
    short_id: c.id.slice(0, 8),
    created_at: c.committedDate,
    parent_ids: c.parentIds,
    title: titleOf(c.message),
    message: c.message,
    author_name: c.authorName,
    author_email: c.authorEmail,
    authored_date: c.authoredDate,
    committer_name: c.committerName,
    committer_email: c.committerEmail,
    committed_date: c.committedDate,
    trailers: {},
    extended_trailers: {},
    web_url: `${webUrlOf(store, project)}/-/commit/${c.id}`,
  };
}

function stats(repoDir: string, sha: string) {
  let additions = 0;
  let deletions = 0;
  for (const line of git(repoDir, ['diff-tree', '--root', '--no-commit-id', '--numstat', '-r', sha]).split('\n').filter(Boolean)) {
    const [added = '0', deleted = '0'] = line.split('\t');
    additions += Number(added) || 0;
    deletions += Number(deleted) || 0;
  }
  return { additions, deletions, total: additions + deletions };
}

/** GitLab's branch `search`: a substring, or `^prefix` / `suffix$`. */
function matchesSearch(name: string, search: string | undefined): boolean {
  if (!search) return true;
  if (search.startsWith('^')) return name.startsWith(search.slice(1));
  if (search.endsWith('$')) return name.endsWith(search.slice(0, -1));
  return name.includes(search);
}

function diffsOf(repoDir: string, from: string, to: string) {
  const raw = git(repoDir, ['diff', '--raw', '--no-renames', '--no-abbrev', from, to]);
  return raw
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [meta = '', file = ''] = line.split('\t');
      const [aMode = '', bMode = '', , , status = ''] = meta.slice(1).split(' ');
      return {
        diff: git(repoDir, ['diff', '--no-renames', from, to, '--', file]).split('\n').slice(4).join('\n'),
        new_path: file,
        old_path: file,
        a_mode: aMode,
        b_mode: bMode,
        new_file: status === 'A',
        renamed_file: false,
        deleted_file: status === 'D',
        generated_file: null,
      };
    });
}

export function repositoryRoutes(app: FastifyInstance, store: Store): void {
  const origin = () => new URL(store.baseUrl).origin;

  const branchJson = (project: ProjectRecord, name: string, sha: string, merged: Set<string>) => {
    const [commit] = log(project.repoDir ?? '', ['-1', sha]);
    return {
      name,
      merged: name !== project.defaultBranch && merged.has(name),
      protected: name === project.defaultBranch,
      default: name === project.defaultBranch,
      developers_can_push: false,
      developers_can_merge: false,
      can_push: true,
      web_url: `${webUrlOf(store, project)}/-/tree/${name}`,
      commit: commit && commitJson(store, project, commit),
    };
  };
  const mergedInto = (project: ProjectRecord) =>
    new Set(git(project.repoDir ?? '', ['for-each-ref', `--merged=refs/heads/${project.defaultBranch}`, '--format=%(refname:lstrip=2)', 'refs/heads']).split('\n').filter(Boolean));

  app.get('/projects/:id/repository/branches', async (request, reply) => {
    const project = projectOr404(store, request, reply);
    if (!project) return;
    if (!project.repoDir) return paginateOffset(request, reply, origin(), []);
    const { search } = request.query as { search?: string };
    const branches = refNames(project.repoDir, 'refs/heads').filter((b) => matchesSearch(b.name, search));
    const merged = mergedInto(project);
    return paginateOffset(request, reply, origin(), branches).map((b) => branchJson(project, b.name, b.sha, merged));
  });

  app.get('/projects/:id/repository/branches/:branch', async (request, reply) => {
    const project = projectOr404(store, request, reply);
    if (!project) return;
    const { branch } = request.params as { branch: string };
    const sha = project.repoDir && resolve(project.repoDir, `refs/heads/${branch}`);
    if (!project.repoDir || !sha) return reply.code(404).send({ message: '404 Branch Not Found' });
    return branchJson(project, branch, sha, mergedInto(project));
  });

  app.get('/projects/:id/repository/tags', async (request, reply) => {
    const project = projectOr404(store, request, reply);
    if (!project) return;
    if (!project.repoDir) return paginateOffset(request, reply, origin(), []);
    const repoDir = project.repoDir;
    const { search } = request.query as { search?: string };
    // GitLab's default order is by last update, newest first; for lightweight tags that is their commit's date.
    const tags = refNames(repoDir, 'refs/tags')
      .filter((t) => matchesSearch(t.name, search))
      .map((t) => ({ ...t, commit: log(repoDir, ['-1', t.sha])[0] }))
      .sort((a, b) => (b.commit?.committedDate ?? '').localeCompare(a.commit?.committedDate ?? ''));
    return paginateOffset(request, reply, origin(), tags).map((t) => ({
      name: t.name,
      message: tryGit(repoDir, ['tag', '-l', '--format=%(contents)', t.name])?.trim() ?? '',
      target: git(repoDir, ['rev-parse', `refs/tags/${t.name}`]).trim(),
      commit: t.commit && commitJson(store, project, t.commit),
      release: null,
      protected: false,
      created_at: null,
    }));
  });

  app.get('/projects/:id/repository/commits', async (request, reply) => {
    const project = projectOr404(store, request, reply);
    if (!project) return;
    const query = request.query as Record<string, string | undefined>;
    if (!project.repoDir) return paginateOffset(request, reply, origin(), []);
    const revs = query.all === 'true' ? ['--all'] : [query.ref_name ?? project.defaultBranch];
    const commits = log(project.repoDir, revs);
    if (commits.length === 0) return reply.code(404).send({ message: '404 Commit Not Found' });
    // Compared here rather than by `git log --since`, whose date parser gives up on far-future years.
    const since = query.since ? Date.parse(query.since) : -Infinity;
    const until = query.until ? Date.parse(query.until) : Infinity;
    if (Number.isNaN(since) || Number.isNaN(until)) return reply.code(400).send({ error: `${Number.isNaN(since) ? 'since' : 'until'} is invalid` });
    const inWindow = commits.filter((c) => Date.parse(c.committedDate) >= since && Date.parse(c.committedDate) <= until);
    return paginateOffset(request, reply, origin(), inWindow).map((c) => commitJson(store, project, c));
  });

  app.get('/projects/:id/repository/commits/:sha', async (request, reply) => {
    const project = projectOr404(store, request, reply);
    if (!project) return;
    const { sha } = request.params as { sha: string };
    const [commit] = project.repoDir ? log(project.repoDir, ['-1', sha]) : [];
    if (!project.repoDir || !commit) return reply.code(404).send({ message: '404 Commit Not Found' });
    return { ...commitJson(store, project, commit), stats: stats(project.repoDir, commit.id), status: null, last_pipeline: null, project_id: project.id };
  });

  app.get('/projects/:id/repository/compare', async (request, reply) => {
    const project = projectOr404(store, request, reply);
    if (!project) return;
    const query = request.query as Record<string, string | undefined>;
    if (!query.from) return reply.code(400).send({ error: 'from is missing' });
    if (!query.to) return reply.code(400).send({ error: 'to is missing' });
    const repoDir = project.repoDir;
    const from = repoDir && resolve(repoDir, query.from);
    const to = repoDir && resolve(repoDir, query.to);
    if (!repoDir || !from || !to) return reply.code(404).send({ message: '404 Ref Not Found' });
    // Without `straight=true` GitLab compares from the merge base, as `git diff from...to` does.
    const base = query.straight === 'true' ? from : (tryGit(repoDir, ['merge-base', from, to])?.trim() ?? from);
    const commits = log(repoDir, ['--reverse', `${from}..${to}`]);
    const last = commits.at(-1);
    return {
      commit: last ? commitJson(store, project, last) : null,
      commits: commits.map((c) => commitJson(store, project, c)),
      diffs: diffsOf(repoDir, base, to),
      compare_timeout: false,
      compare_same_ref: query.from === query.to,
      web_url: `${webUrlOf(store, project)}/-/compare/${from}...${to}`,
    };
  });
}
